"""Stage 5b: statements of intent.

PLOVER codes a stated intention to cooperate ("Portugal will support ...", "Japan will
send aid") as AGREE: the promise is the event, and it has happened. The manual keeps
future RETREAT and CONCEDE as they are ("will withdraw", "will allow ...": anticipated).
Conflictual action announced on a condition ("the party will boycott the elections unless
the president resigns") is a THREATEN. An announced conflictual action without one ("the
US will raise tariffs next month") stays what it is, anticipated. CAMEO's "express intent"
(03x) and "threaten" (13x) codes say which action was promised or threatened.

Meetings are the exception the project makes (GUIDELINES.md): a planned visit or meeting
stays CONSULT, with modality anticipated. So are events that others expect ("is expected
to", "is scheduled to"): those are no one's statement of intent. A stated refusal to
cooperate in future ("will not attend the summit") is a REJECT.
"""

from __future__ import annotations

from service.extraction.events import modality
from service.extraction.events.event_classifier import Trigger
from service.extraction.events.event_mode import EventClass
from service.models import EventType, Modality

_WILL = {"will", "would", "shall", "'ll", "wo"}
_INTENT_VERBS = {"plan", "intend", "promise", "pledge", "vow", "decide", "offer", "agree"}
_OTHERS_EXPECT = {"expect", "schedule", "due", "likely", "set", "predict", "forecast"}
_CONDITION = {"unless"}

# Cooperative action -> CAMEO "express intent to ..." code.
PROMISES = {
    EventType.SUPPORT: "032",
    EventType.COOPERATE: "031",
    EventType.AID: "033",
}
# Conflictual action -> CAMEO "threaten ..." code and PLOVER THREATEN mode.
THREATS: dict[EventType, tuple[str, str | None]] = {
    EventType.ASSAULT: ("138", "violence"),
    EventType.SANCTION: ("132", "restrict"),
    EventType.COERCE: ("132", "restrict"),
    EventType.PROTEST: ("133", "restrict"),
}
# Refused action -> CAMEO "reject ..." code.
REFUSALS = {
    EventType.CONSULT: "125",
    EventType.AGREE: "127",
    EventType.CONCEDE: "124",
    EventType.RETREAT: "124",
    EventType.AID: "122",
    EventType.COOPERATE: "121",
    EventType.SUPPORT: "120",
}
_THREAT_MODES = {
    "expel": ("136", "expel"),
    "withdraw": ("134", "relations"),
    "arrest": ("130", "arrest"),
}


def stated(trigger: Trigger) -> tuple[bool, bool]:
    """(the actor states an intention, the statement carries an "unless" condition)."""
    chain = modality.clause_verbs(trigger, ("xcomp", "ccomp", "conj"), noun_head=False)
    if not chain:
        return False, False
    lemmas = {v.lemma_.lower() for v in chain[1:]}
    if lemmas & _OTHERS_EXPECT:
        return False, False
    auxiliaries = {c.lower_ for v in chain[:2] for c in v.children if c.dep_ == "aux"}
    conditional = any(
        c.dep_ == "mark" and c.lower_ in _CONDITION
        for v in chain
        for clause in v.children
        if clause.dep_ == "advcl"
        for c in clause.children
    )
    return bool(auxiliaries & _WILL or lemmas & _INTENT_VERBS), conditional


def recode(event: EventClass, modality: Modality, trigger: Trigger) -> tuple[EventClass, Modality]:
    intends, conditional = stated(trigger)
    if modality is Modality.NEGATED and intends:
        # "will not attend", "would not meet their demands": a refusal, PLOVER's REJECT.
        code = REFUSALS.get(event.event_type, "120")
        return EventClass(EventType.REJECT, None, event.context, code), Modality.ASSERTED
    if event.event_type is EventType.CONSULT:
        return event, modality
    threat = THREATS.get(event.event_type)
    if threat is not None and conditional:
        code, mode = _THREAT_MODES.get(event.mode or "", threat)
        return EventClass(EventType.THREATEN, mode, event.context, code), Modality.ASSERTED
    promise = PROMISES.get(event.event_type)
    if promise is not None and intends and modality is Modality.ANTICIPATED:
        return EventClass(EventType.AGREE, None, event.context, promise), Modality.ASSERTED
    return event, modality
