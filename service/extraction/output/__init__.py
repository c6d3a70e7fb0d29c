"""Output: where an event took place (``geolocation``, ``places``) and the coded
candidates turned into ``DiplomaticEvent`` messages, paired, merged and identified
(``formatter``)."""
