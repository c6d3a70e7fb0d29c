"""Participants and their resolution: the phrases that name an event's actor and
recipient (``actor_attribution``), what a phrase stands for - country or organisation,
sector, code - at the article's date (``actor_resolver``), earlier mentions
(``coreference``), and the actors and recipients an event finally has (``roles``)."""
