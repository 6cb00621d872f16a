"""Mutual legal assistance at a node: the completeness check of an evidence request, its timers
(due dates from the legal basis, overdue timers and what answers them) and status inquiries.

Pure functions on message documents and case facts; the routes are in
``national_node.api.routers.mla``.

The completeness check prompts a drafter as the UNODC MLA Request Writer Tool does (domain model
B.2): it names *every* item that is missing or invalid, at once. The schema alone cannot: pydantic
stops at the first broken rule of a model once its fields are valid, and checks the body against
the header only when both are valid. So an evidence request is checked item by item against the
template below (what UNTOC art. 18(15), IACMAMC art. 26 and the schema require), each item on its
own, and what the schema found besides is added, said in the item's words. The template only ever
finds what the schema refuses (tests hold it to that): it explains a refusal, it never adds one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, Field

from messages.errors import FieldProblem
from messages.mla.case import MlaCase
from messages.mla.models_common import MLA_ROLES, duplicates
from messages.mla.rules import (
    ASSURANCE_TEXT,
    AUTHORITY_ROLES,
    CLASSIFICATION_FLOOR,
    CONDUCTING_AUTHORITY,
    CONFIDENTIAL_MARKING,
    CONFIDENTIALITY_REASON,
    COSTS_NOTE,
    DEADLINE_REASONS,
    EXPLOITATION_FORMS,
    FACTS_SUMMARY,
    HEARING_DETAILS,
    INTERCEPTION_DETAILS,
    MEASURE_IDS_UNIQUE,
    PERSON_IDENTITY_KIND,
    RELEVANCE_COERCIVE,
    RELEVANCE_INTRUSIVE,
    SIGNED_BEFORE_SENDING,
    SUBJECTS,
    TARGETS,
    TIME_WINDOW,
    TRANSFER_DETAILS,
)
from messages.mla.service_levels import (
    AWAITING_DECISION,
    AWAITING_EXECUTION,
    DEFAULT_POLICY,
    ServiceLevelPolicy,
    Timer,
    due_dates,
    next_due,
    overdue,
)
from messages.mla.vocab import (
    COERCIVE_MEASURES,
    HEARING_MEASURES,
    INTRUSIVE_MEASURES,
    HearingMode,
    InquiryReason,
    MeasureType,
    MlaState,
    OffenceCategory,
    PersonKind,
    TargetKind,
)
from messages.vocab import Classification, LegalBasis, MessageType

Json = dict[str, Any]

# --- reading a draft that may be anything ---------------------------------------------------------


def _dict(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _blank(value: Any) -> bool:
    """Nothing given: absent or empty (as the schema counts it: a string of spaces is text)."""
    return value is None or value == "" or value == [] or value == {}


def _absent(value: Any) -> str:
    """How a required part that is not an object (or list) of the right kind is wrong."""
    return "missing" if value is None else "not in the expected form"


def _enum(kind: type[StrEnum], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- the template of an evidence request ---------------------------------------------------------

Found = Iterator[tuple[str, str]]
"""(path, what is wrong and what is expected) pairs an item's check yields."""


@dataclass(frozen=True)
class Draft:
    """The parts of an assembled evidence request document that the checks read."""

    header: Json
    body: Json

    @property
    def measures(self) -> list[tuple[int, Json]]:
        return [(i, _dict(m)) for i, m in enumerate(_list(self.body.get("measures")))]

    def measure_types(self) -> set[Any]:
        return {_enum(MeasureType, m.get("measure_type")) for _, m in self.measures}


@dataclass(frozen=True)
class Item:
    """One item an evidence request must contain, as the drafter is prompted for it."""

    key: str
    label: str
    """The item's name, as a prosecutor knows it."""
    expected: str
    """What the request must say about it."""
    source: str
    covers: tuple[str, ...]
    """The document paths (list indices written ``[]``) whose problems belong to this item."""
    check: Callable[[Draft], Found]


def _authority_parts(authority: Json, path: str) -> Found:
    if _blank(authority.get("designation")):
        yield f"{path}.designation", "the official designation of the institution is missing"
    if _blank(authority.get("kind")):
        yield f"{path}.kind", "the kind of authority is missing (PROSECUTOR, JUDGE, COURT, ...)"
    if _blank(authority.get("state")):
        yield f"{path}.state", "the authority's state is missing (ISO code, e.g. AR)"


def _requesting_authority(draft: Draft) -> Found:
    authority = draft.body.get("requesting_authority")
    if not isinstance(authority, dict):
        yield (
            "body.requesting_authority",
            f"{_absent(authority)}: name the authority making the request (designation, kind "
            "and state)",
        )
        return
    yield from _authority_parts(authority, "body.requesting_authority")


def _conducting_authority(draft: Draft) -> Found:
    conducts = draft.body.get("requesting_authority_conducts")
    conducting = draft.body.get("conducting_authority")
    if not isinstance(conducts, bool):
        yield (
            "body.requesting_authority_conducts",
            f"{_absent(conducts)}: say whether the requesting authority itself conducts the "
            "proceeding (true or false)",
        )
    elif conducts and conducting is not None:
        yield (
            "body.conducting_authority",
            "the requesting authority conducts the proceeding: name no other conducting authority",
        )
    elif not conducts:
        if not isinstance(conducting, dict):
            yield (
                "body.conducting_authority",
                f"{_absent(conducting)}: the requesting authority does not conduct the "
                "proceeding, so name the authority that does, with its functions",
            )
            return
        yield from _authority_parts(conducting, "body.conducting_authority")
        if _blank(conducting.get("functions")):
            yield (
                "body.conducting_authority.functions",
                "missing: the functions of the conducting authority in the proceeding",
            )


def _file_number(draft: Draft) -> Found:
    refs = draft.body.get("central_authority_refs")
    if not isinstance(refs, dict):
        yield (
            "body.central_authority_refs",
            f"{_absent(refs)}: the requesting central authority's file number for this request",
        )
    elif _blank(refs.get("requesting")):
        yield (
            "body.central_authority_refs.requesting",
            "missing: the requesting central authority's file number for this request",
        )


def _legal_basis(draft: Draft) -> Found:
    bases = _list(draft.header.get("legal_basis"))
    if not bases:
        yield (
            "header.legal_basis",
            "missing: name the convention or treaty the request rests on (UNTOC_ART18, "
            "IACMAMC_1992, BILATERAL with the treaty's id, RECIPROCITY, ...)",
        )
    for index, ref in enumerate(bases):
        ref = _dict(ref)
        bilateral = ref.get("basis") == LegalBasis.BILATERAL
        if bilateral and _blank(ref.get("treaty_id")):
            yield f"header.legal_basis[{index}]", "a bilateral basis names its treaty (treaty_id)"
        if not bilateral and not _blank(ref.get("treaty_id")):
            yield (
                f"header.legal_basis[{index}]",
                "a treaty_id is only given with a BILATERAL basis",
            )


def _proceeding(draft: Draft) -> Found:
    proceeding = draft.body.get("proceeding")
    if not isinstance(proceeding, dict):
        yield (
            "body.proceeding",
            f"{_absent(proceeding)}: the proceeding the request serves: its kind "
            "(INVESTIGATION, PROSECUTION, TRIAL, ...), its stage and the domestic file number",
        )
        return
    for name, what in (
        ("kind", "the kind of proceeding (INVESTIGATION, PROSECUTION, TRIAL, ...)"),
        ("stage", "the procedural stage, in your law's terms"),
        ("domestic_file_no", "the domestic file number"),
    ):
        if _blank(proceeding.get(name)):
            yield f"body.proceeding.{name}", f"missing: {what}"


def _offences(draft: Draft) -> Found:
    offences = _list(draft.body.get("offences"))
    if not offences:
        yield (
            "body.offences",
            f"{_absent(draft.body.get('offences') or None)}: at least one offence under "
            "investigation or prosecution, with its legal classification and the provisions "
            "that define it",
        )
    for index, offence in enumerate(offences):
        offence, here = _dict(offence), f"body.offences[{index}]"
        if _blank(offence.get("legal_classification")):
            yield f"{here}.legal_classification", "missing: the offence as your law names it"
        if _blank(offence.get("statutory_provisions")):
            yield (
                f"{here}.statutory_provisions",
                "missing: at least one provision that defines and punishes it "
                "(e.g. 'Código Penal art. 145 bis')",
            )
        if _blank(offence.get("category")):
            yield (
                f"{here}.category",
                "missing: the offence's category (TRAFFICKING_IN_PERSONS, ...)",
            )
        forms = _list(offence.get("exploitation_forms"))
        trafficking = offence.get("category") == OffenceCategory.TRAFFICKING_IN_PERSONS
        if trafficking and not forms:
            yield f"{here}.exploitation_forms", f"missing: {EXPLOITATION_FORMS.text}"
        if duplicates(str(form) for form in forms):
            yield f"{here}.exploitation_forms", "a form of exploitation is listed twice"


def _facts(draft: Draft) -> Found:
    if draft.measure_types() == {MeasureType.SERVICE_OF_DOCUMENTS}:
        return
    summary = draft.body.get("facts_summary")
    if not isinstance(summary, dict):
        yield "body.facts_summary", f"{_absent(summary)}: {FACTS_SUMMARY.text}"
    elif _blank(summary.get("text")):
        yield "body.facts_summary.text", f"missing: {FACTS_SUMMARY.text}"


def _purpose(draft: Draft) -> Found:
    narrative = draft.body.get("narrative")
    what = "the purpose for which the evidence, information or action is sought"
    if not isinstance(narrative, dict):
        yield "body.narrative", f"{_absent(narrative)}: {what}"
    elif _blank(narrative.get("purpose")):
        yield "body.narrative.purpose", f"missing: {what}"


def _measures(draft: Draft) -> Found:
    if not draft.measures:
        yield (
            "body.measures",
            f"{_absent(draft.body.get('measures') or None)}: at least one measure: the "
            "assistance sought, by type, described precisely",
        )
    for index, measure in draft.measures:
        here = f"body.measures[{index}]"
        if _blank(measure.get("measure_id")):
            yield f"{here}.measure_id", "missing: an id for the measure (e.g. M1)"
        if _blank(measure.get("measure_type")):
            yield f"{here}.measure_type", "missing: the type of measure (BANK_ACCOUNT_INFO, ...)"
        description = measure.get("description")
        if not isinstance(description, dict):
            yield f"{here}.description", f"{_absent(description)}: what is to be done, precisely"
        elif _blank(description.get("text")):
            yield f"{here}.description.text", "missing: what is to be done, precisely"
    repeated = duplicates(
        str(m.get("measure_id")) for _, m in draft.measures if not _blank(m.get("measure_id"))
    )
    if repeated:
        yield (
            "body.measures[].measure_id",
            f"measure_id {repeated[0]} is used twice: {MEASURE_IDS_UNIQUE.text}",
        )


def _relevance(draft: Draft) -> Found:
    for index, measure in draft.measures:
        if measure.get("relevance_justification") is not None:
            continue
        kind = _enum(MeasureType, measure.get("measure_type"))
        rule = (
            RELEVANCE_INTRUSIVE
            if kind in INTRUSIVE_MEASURES
            else RELEVANCE_COERCIVE
            if kind in COERCIVE_MEASURES
            else None
        )
        if rule is not None:
            yield f"body.measures[{index}].relevance_justification", f"missing: {rule.text}"


_HEARING_MODE: Final[dict[MeasureType | None, HearingMode]] = {
    MeasureType.HEARING_VIDEOCONFERENCE: HearingMode.VIDEO,
    MeasureType.HEARING_TELEPHONE: HearingMode.PHONE,
}


def _hearing(measure: Json, kind: MeasureType | None, here: str) -> Found:
    hearing = measure.get("hearing")
    if kind in HEARING_MEASURES:
        if not isinstance(hearing, dict):
            yield f"{here}.hearing", f"{_absent(hearing)}: {HEARING_DETAILS.text}"
            return
        expected = _HEARING_MODE.get(kind)
        mode = hearing.get("mode")
        if expected is not None and not _blank(mode) and mode != expected:
            yield f"{here}.hearing.mode", f"a {kind} is held by {expected}"
    elif hearing is not None and kind is not None:
        yield f"{here}.hearing", "only a hearing measure carries hearing details"


def _interception(measure: Json, kind: MeasureType | None, here: str) -> Found:
    interception = measure.get("interception")
    if kind is MeasureType.INTERCEPTION:
        if not isinstance(interception, dict):
            yield f"{here}.interception", f"{_absent(interception)}: {INTERCEPTION_DETAILS.text}"
            return
        refs = {_dict(t).get("target_ref") for t in _list(measure.get("targets"))}
        target = interception.get("target_ref")
        if not _blank(target) and target not in refs:
            yield (
                f"{here}.interception.target_ref",
                "the target intercepted is not one of this measure's targets",
            )
    elif interception is not None and kind is not None:
        yield f"{here}.interception", "only an INTERCEPTION carries interception details"


def _details(draft: Draft) -> Found:
    for index, measure in draft.measures:
        here = f"body.measures[{index}]"
        kind = _enum(MeasureType, measure.get("measure_type"))
        yield from _hearing(measure, kind, here)
        yield from _interception(measure, kind, here)
        transfer = measure.get("transfer_in_custody")
        if kind is MeasureType.TEMPORARY_TRANSFER_IN_CUSTODY and transfer is None:
            yield f"{here}.transfer_in_custody", f"missing: {TRANSFER_DETAILS.text}"
        if kind not in (None, MeasureType.TEMPORARY_TRANSFER_IN_CUSTODY) and transfer is not None:
            yield f"{here}.transfer_in_custody", "only a transfer in custody carries its details"
        window = _dict(measure.get("time_window"))
        start, end = _day(window.get("start")), _day(window.get("end"))
        if start and end and end < start:
            yield f"{here}.time_window", TIME_WINDOW.text
        for number, target in enumerate(_list(measure.get("targets"))):
            target = _dict(target)
            target_kind = target.get("kind")
            if _blank(target_kind):
                continue
            if target_kind == TargetKind.PERSON and _blank(target.get("subject_token")):
                yield (
                    f"{here}.targets[{number}].subject_token",
                    "a PERSON target names the person concerned by subject token",
                )
            if target_kind != TargetKind.PERSON and not isinstance(target.get("identifier"), dict):
                yield (
                    f"{here}.targets[{number}].identifier",
                    "missing: the target's identifier (number, account, address, ...)",
                )
    refs = [
        _dict(t).get("target_ref")
        for _, m in draft.measures
        for t in _list(m.get("targets"))
        if not _blank(_dict(t).get("target_ref"))
    ]
    repeated = duplicates(str(ref) for ref in refs)
    if repeated:
        yield "body.measures[].targets[].target_ref", f"target_ref {repeated[0]} is used twice"


def _tokens_of(measure: Json) -> Iterator[tuple[str, Any]]:
    for number, target in enumerate(_list(measure.get("targets"))):
        token = _dict(target).get("subject_token")
        if not _blank(token):
            yield f"targets[{number}].subject_token", token
    for name in ("hearing", "interception", "transfer_in_custody"):
        token = _dict(measure.get(name)).get("subject_token")
        if not _blank(token):
            yield f"{name}.subject_token", token


def _persons(draft: Draft) -> Found:
    persons = [_dict(p) for p in _list(draft.body.get("persons_concerned"))]
    tokens = [p.get("subject_token") for p in persons if not _blank(p.get("subject_token"))]
    if duplicates(str(token) for token in tokens):
        yield "body.persons_concerned[].subject_token", "a subject token is given to two persons"
    known = set(tokens)
    for index, measure in draft.measures:
        for path, token in _tokens_of(measure):
            if token not in known:
                yield (
                    f"body.measures[{index}].{path}",
                    "names no person in persons_concerned: add the person there",
                )
    for index, person in enumerate(persons):
        kind = person.get("kind")
        if kind == PersonKind.NATURAL and person.get("legal_person") is not None:
            yield f"body.persons_concerned[{index}].legal_person", "a natural person has none"
        if kind == PersonKind.LEGAL and person.get("natural_person") is not None:
            yield f"body.persons_concerned[{index}].natural_person", "a legal person has none"


def _confidentiality(draft: Draft) -> Found:
    secret = draft.body.get("confidentiality")
    if not isinstance(secret, dict):
        return
    keep = secret.get("keep_fact_and_substance_confidential") is True
    if (keep or secret.get("do_not_notify_subject") is True) and _blank(secret.get("reason")):
        yield "body.confidentiality.reason", f"missing: {CONFIDENTIALITY_REASON.text}"


def _marking(draft: Draft) -> Found:
    marking = _enum(Classification, draft.header.get("classification"))
    keep = _dict(draft.body.get("confidentiality")).get("keep_fact_and_substance_confidential")
    if marking is Classification.PUBLIC:
        yield "header.classification", CLASSIFICATION_FLOOR.text
    elif keep is True and marking is not None and marking.rank < Classification.CONFIDENTIAL.rank:
        yield "header.classification", CONFIDENTIAL_MARKING.text


def _deadline(draft: Draft) -> Found:
    urgency = _dict(draft.header.get("urgency"))
    respond_by = _day(urgency.get("respond_by"))
    if respond_by is not None and _blank(draft.body.get("deadline_reasons")):
        yield "body.deadline_reasons", f"missing: {DEADLINE_REASONS.text}"
    sent = _moment(draft.header.get("sent_at"))
    if respond_by is not None and sent is not None and respond_by < sent.astimezone(UTC).date():
        yield "header.urgency.respond_by", "the date has passed: give a date from today on"
    level = urgency.get("level")
    if not _blank(level) and level != "NORMAL" and not _list(urgency.get("reasons")):
        yield "header.urgency.reasons", f"missing: at least one reason for urgency level {level}"


def _signatory(draft: Draft) -> Found:
    signatory = draft.body.get("signatory")
    if not isinstance(signatory, dict):
        yield (
            "body.signatory",
            f"{_absent(signatory)}: who signs the request: their title, their name and when "
            "they signed",
        )
        return
    if _blank(signatory.get("title")):
        yield "body.signatory.title", "missing: the signatory's function (e.g. 'Fiscal Federal')"
    official = signatory.get("official")
    if not isinstance(official, dict):
        yield "body.signatory.official", f"{_absent(official)}: the signatory's name"
    elif _blank(official.get("full_name")):
        yield "body.signatory.official.full_name", "missing: the signatory's name"
    signed = signatory.get("signed_at")
    if _blank(signed):
        yield "body.signatory.signed_at", "missing: when the request was signed"
    sent, signed_at = _moment(draft.header.get("sent_at")), _moment(signed)
    if sent is not None and signed_at is not None and signed_at > sent:
        yield "body.signatory.signed_at", SIGNED_BEFORE_SENDING.text


def _other_parts(draft: Draft) -> Found:
    for index, assurance in enumerate(_list(draft.body.get("assurances"))):
        assurance = _dict(assurance)
        if assurance.get("kind") == "OTHER" and _blank(assurance.get("text")):
            yield f"body.assurances[{index}].text", f"missing: {ASSURANCE_TEXT.text}"
    costs = _dict(draft.body.get("costs_note"))
    if costs.get("extraordinary_expected") is True and _blank(costs.get("note")):
        yield "body.costs_note.note", f"missing: {COSTS_NOTE.text}"


def _addressing(draft: Draft) -> Found:
    for side in ("sender", "recipient"):
        role = _dict(draft.header.get(side)).get("role")
        if not _blank(role) and role not in MLA_ROLES:
            yield f"header.{side}.role", f"{role} does not {_SIDE_VERB[side]} MLA messages"


_SIDE_VERB: Final = {"sender": "send", "recipient": "receive"}

REQUEST_TEMPLATE: Final[tuple[Item, ...]] = (
    Item(
        "requesting_authority",
        "Requesting authority",
        "The authority making the request: its official designation, kind and state.",
        "UNTOC art. 18(15)(a)",
        ("body.requesting_authority",),
        _requesting_authority,
    ),
    Item(
        "conducting_authority",
        "Authority conducting the proceeding",
        "Whether the requesting authority conducts the proceeding; if not, the authority that "
        "does, with its functions.",
        CONDUCTING_AUTHORITY.source,
        ("body.requesting_authority_conducts", "body.conducting_authority"),
        _conducting_authority,
    ),
    Item(
        "file_number",
        "Central authority's file number",
        "The requesting central authority's file number for this request.",
        "IACMAMC art. 3; UNTOC art. 18(13)",
        ("body.central_authority_refs",),
        _file_number,
    ),
    Item(
        "legal_basis",
        "Legal basis",
        "The convention or treaty the request rests on (a bilateral treaty by its id).",
        "UNTOC art. 18; IACMAMC; bilateral treaties",
        ("header.legal_basis",),
        _legal_basis,
    ),
    Item(
        "proceeding",
        "Proceeding",
        "The investigation, prosecution or trial the request serves: kind, stage, file number.",
        "UNTOC art. 18(15)(b); IACMAMC art. 26(a)",
        ("body.proceeding",),
        _proceeding,
    ),
    Item(
        "offences",
        "Offences",
        "Each offence: its legal classification, the provisions that define and punish it, its "
        "category; for trafficking, the forms of exploitation.",
        "UNTOC art. 18(15)(b); IACMAMC art. 26(a); TIP Protocol art. 3(a)",
        ("body.offences",),
        _offences,
    ),
    Item(
        "facts_summary",
        "Summary of the facts",
        "A summary of the relevant facts (not needed when only service of documents is sought).",
        FACTS_SUMMARY.source,
        ("body.facts_summary",),
        _facts,
    ),
    Item(
        "purpose",
        "Purpose of the request",
        "The purpose for which the evidence, information or action is sought.",
        "UNTOC art. 18(15)(f); IACMAMC art. 26(b)",
        ("body.narrative",),
        _purpose,
    ),
    Item(
        "measures",
        "Assistance sought",
        "At least one measure, each with its id, its type and a precise description.",
        "UNTOC art. 18(15)(d); IACMAMC art. 26(d)",
        ("body.measures",),
        _measures,
    ),
    Item(
        "relevance",
        "Link between the facts and the measures",
        "Why the information is relevant to the proceeding: required for real-time, covert, "
        "interception and coercive measures.",
        f"{RELEVANCE_INTRUSIVE.source}; {RELEVANCE_COERCIVE.source}",
        ("body.measures[].relevance_justification",),
        _relevance,
    ),
    Item(
        "measure_details",
        "How each measure is carried out",
        "Hearings: who, in what capacity, how. Interceptions: subject, duration, technical data. "
        "Transfers: the person and the direction. Targets: the person or the identifier.",
        f"{HEARING_DETAILS.source}; {INTERCEPTION_DETAILS.source}; {TARGETS.source}",
        (
            "body.measures[].hearing",
            "body.measures[].interception",
            "body.measures[].transfer_in_custody",
            "body.measures[].time_window",
            "body.measures[].targets",
            "body.measures[].place_of_execution",
        ),
        _details,
    ),
    Item(
        "persons_concerned",
        "Persons concerned",
        "Where possible, every person concerned, each with a subject token of their own; every "
        "person a measure names is among them.",
        f"UNTOC art. 18(15)(e); {SUBJECTS.source}; {PERSON_IDENTITY_KIND.source}",
        (
            "body.persons_concerned",
            "body.measures[].targets[].subject_token",
            "body.measures[].hearing.subject_token",
            "body.measures[].interception.subject_token",
            "body.measures[].transfer_in_custody.subject_token",
        ),
        _persons,
    ),
    Item(
        "confidentiality",
        "Confidentiality",
        "If the request is to be kept confidential or the person not notified, the reason.",
        CONFIDENTIALITY_REASON.source,
        ("body.confidentiality",),
        _confidentiality,
    ),
    Item(
        "classification",
        "Protective marking",
        "At least RESTRICTED (an MLA message is never PUBLIC), and at least CONFIDENTIAL when "
        "the request is to be kept confidential.",
        CONFIDENTIAL_MARKING.source,
        ("header.classification",),
        _marking,
    ),
    Item(
        "deadline",
        "Deadline",
        "If an answer is needed by a date, the date (header urgency.respond_by) and why.",
        DEADLINE_REASONS.source,
        ("header.urgency", "body.deadline_reasons"),
        _deadline,
    ),
    Item(
        "signatory",
        "Signature",
        "Who signs the request: their function, their name, and when they signed.",
        "EIO Annex A section K",
        ("body.signatory",),
        _signatory,
    ),
    Item(
        "other_parts",
        "Assurances and costs",
        "An assurance of kind OTHER says what is assured; expected extraordinary costs are named.",
        f"{ASSURANCE_TEXT.source}; {COSTS_NOTE.source}",
        ("body.assurances", "body.costs_note"),
        _other_parts,
    ),
    Item(
        "addressing",
        "Addressing",
        "The request goes from and to a central authority, prosecutor or judge.",
        AUTHORITY_ROLES.source,
        ("header.sender", "header.recipient"),
        _addressing,
    ),
)
"""What an evidence request must contain, item by item, in the order a drafter fills it in."""


def _nothing(draft: Draft) -> Found:
    yield from ()


OTHER_ITEM: Final = Item(
    "other", "Other", "Anything else the schema refuses.", "Puente message schema", (), _nothing
)

# --- naming every problem -------------------------------------------------------------------------

_INDEX = re.compile(r"\[\d+\]")
_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w]*(?:\[\d*\])?(?:\.[A-Za-z_][\w]*(?:\[\d*\])?)*): ")
_VALUE_ERROR = "Value error, "


def item_of(path: str) -> Item:
    """The item a problem at ``path`` belongs to (the one covering the longest prefix)."""
    general = _INDEX.sub("[]", path)
    best, length = OTHER_ITEM, -1
    for item in REQUEST_TEMPLATE:
        for prefix in item.covers:
            matches = general == prefix or general.startswith((prefix + ".", prefix + "["))
            if matches and len(prefix) > length:
                best, length = item, len(prefix)
    return best


def _split(problem: FieldProblem) -> list[FieldProblem]:
    """A schema problem as one problem per field: a model's rule says its field first
    (``facts_summary: ...``), and the header's check joins several with ``; ``."""
    message = problem.message.removeprefix(_VALUE_ERROR)
    parts = message.split("; ") if problem.path == "header" else [message]
    split = []
    for part in parts:
        match = _FIELD_PREFIX.match(part)
        if match is None:
            split.append(FieldProblem(problem.path, part))
            continue
        field, rest = match.group(1), part[match.end() :]
        if field.startswith("header."):
            path = field  # a body rule about the header names the header's field in full
        else:
            path = f"{problem.path}.{field}" if problem.path else field
        split.append(FieldProblem(path, rest))
    return split


_PLAIN: Final = (
    ("Field required", "missing"),
    ("Extra inputs are not permitted", "is not part of an evidence request: remove it"),
    ("String should have at least 1 character", "is empty"),
    ("List should have at least 1 item after validation, not 0", "needs at least one entry"),
)


def _plain(message: str) -> str:
    for schema_words, plain in _PLAIN:
        if message == schema_words:
            return plain
    if message.startswith("String should match pattern"):
        return "has characters or a form not allowed here"
    return message


def _relative(path: str) -> str:
    return path.removeprefix("body.")


def message_problems(document: Json, found: Sequence[FieldProblem]) -> list[FieldProblem]:
    """Every problem of an assembled MLA message: an evidence request's by its template, any
    other's as the schema found them, each at the field its rule names."""
    if _dict(document.get("header")).get("message_type") == MessageType.EVIDENCE_REQUEST:
        return request_problems(document, found)
    return [problem for raw in found for problem in _split(raw)]


def request_problems(document: Json, found: Sequence[FieldProblem]) -> list[FieldProblem]:
    """Every problem of an assembled evidence request: the template's items checked one by
    one, and what the schema ``found`` that they do not already say, each named by its item.

    Ordered as the template (a drafter's order), then anything else."""
    draft = Draft(_dict(document.get("header")), _dict(document.get("body")))
    problems: list[tuple[int, FieldProblem]] = []
    said: set[str] = set()
    for order, item in enumerate(REQUEST_TEMPLATE):
        for path, text in item.check(draft):
            if path not in said:
                said.add(path)
                problems.append((order, FieldProblem(path, f"{item.label}: {text}")))
    for raw in found:
        for problem in _split(raw):
            if problem.path in said:
                continue
            said.add(problem.path)
            item = item_of(problem.path)
            order = (
                REQUEST_TEMPLATE.index(item) if item in REQUEST_TEMPLATE else len(REQUEST_TEMPLATE)
            )
            message = f"{item.label}: {_relative(problem.path)} {_plain(problem.message)}"
            problems.append((order, FieldProblem(problem.path, message)))
    return [problem for _, problem in sorted(problems, key=lambda pair: pair[0])]


class FieldProblemView(BaseModel):
    path: str
    message: str


class ItemView(BaseModel):
    """One item of the evidence request template."""

    key: str
    label: str
    expected: str
    source: str


class ItemCheck(ItemView):
    """One item of a draft: complete, or what is missing or invalid."""

    complete: bool
    problems: list[FieldProblemView] = Field(default_factory=list)


def template() -> list[ItemView]:
    """The items of an evidence request, for a drafter to work through."""
    return [
        ItemView(key=i.key, label=i.label, expected=i.expected, source=i.source)
        for i in REQUEST_TEMPLATE
    ]


def checklist(problems: Sequence[FieldProblem]) -> list[ItemCheck]:
    """The template with each item ticked or its problems listed (problems outside every item,
    such as the lifecycle refusing the message now, under "Other")."""
    by_item: dict[str, list[FieldProblemView]] = {}
    for problem in problems:
        view = FieldProblemView(path=problem.path, message=problem.message)
        by_item.setdefault(item_of(problem.path).key, []).append(view)
    items = list(REQUEST_TEMPLATE) + ([OTHER_ITEM] if OTHER_ITEM.key in by_item else [])
    return [
        ItemCheck(
            key=item.key,
            label=item.label,
            expected=item.expected,
            source=item.source,
            complete=item.key not in by_item,
            problems=by_item.get(item.key, []),
        )
        for item in items
    ]


# --- timers ---------------------------------------------------------------------------------------


class Side(StrEnum):
    REQUESTING = "REQUESTING"
    REQUESTED = "REQUESTED"


class TimerStatus(BaseModel):
    """One service-level timer of a case, as this node sees it."""

    timer: Timer
    due_at: datetime | None
    """None: no limit applies (the legal basis sets none), or the clock has not started."""
    awaited: bool
    """The step it times (acknowledgement, decision, execution) is still to come."""
    paused: bool
    """The clock is stopped (information requested with the clock paused, or postponement)."""
    overdue: bool
    remedy: MessageType | None = None
    """What this node sends about the lapse, when overdue."""
    advice: str | None = None


class ServiceLevels(BaseModel):
    """An evidence request's timers, from its legal basis (messages.mla.service_levels)."""

    side: Side | None
    """This node's side of the request (None before it is sent)."""
    legal_basis: list[str]
    respond_by: date | None
    """The requesting state's deadline (header urgency.respond_by of the request)."""
    next_due: datetime | None
    timers: list[TimerStatus]


_ADVICE: Final[dict[tuple[Side, Timer], tuple[MessageType, str]]] = {
    (Side.REQUESTING, Timer.ACKNOWLEDGEMENT): (
        MessageType.STATUS_INQUIRY,
        "no acknowledgement of receipt by the due date: ask for the status (StatusInquiry, "
        "reason NO_ACKNOWLEDGEMENT)",
    ),
    (Side.REQUESTING, Timer.DECISION): (
        MessageType.STATUS_INQUIRY,
        "no decision by the due date and no delay announced: ask for the status "
        "(StatusInquiry, reason DEADLINE_PASSED)",
    ),
    (Side.REQUESTING, Timer.EXECUTION): (
        MessageType.STATUS_INQUIRY,
        "not executed by the due date: ask for the status (StatusInquiry, reason DEADLINE_PASSED)",
    ),
    (Side.REQUESTED, Timer.ACKNOWLEDGEMENT): (
        MessageType.ACKNOWLEDGEMENT,
        "receipt is not yet acknowledged: send the Acknowledgement",
    ),
    (Side.REQUESTED, Timer.DECISION): (
        MessageType.DELAY_NOTICE,
        "the decision is late: announce the delay with its reasons and a new estimated date "
        "(DelayNotice, stage DECISION)",
    ),
    (Side.REQUESTED, Timer.EXECUTION): (
        MessageType.DELAY_NOTICE,
        "execution is late: announce the delay with its reasons and a new estimated date "
        "(DelayNotice, stage EXECUTION)",
    ),
}
"""What each side does about a lapsed timer (domain model A.7: a missed timer never changes
the state; the requested side announces a delay, the requesting side may inquire)."""


def side_of(facts: MlaCase, state: str) -> Side | None:
    if facts.requesting_state is None:
        return None
    return Side.REQUESTING if facts.requesting_state == state else Side.REQUESTED


def _awaited(facts: MlaCase) -> dict[Timer, bool]:
    # The schema's own sets of states in which each step is still to come (what overdue() and
    # next_due() use), so that "awaited" here and "overdue" there never disagree.
    return {
        Timer.ACKNOWLEDGEMENT: facts.state is MlaState.TRANSMITTED,
        Timer.DECISION: facts.state in AWAITING_DECISION,
        Timer.EXECUTION: facts.state in AWAITING_EXECUTION,
    }


def service_levels(
    facts: MlaCase, state: str, now: datetime, policy: ServiceLevelPolicy = DEFAULT_POLICY
) -> ServiceLevels:
    """The timers of a case at ``now``, for the node of ``state``."""
    due = due_dates(facts, policy, now=now)
    lapsed = {entry.timer: entry for entry in overdue(facts, now, policy)}
    side = side_of(facts, state)
    awaited = _awaited(facts)
    timers = []
    for timer, due_at, paused in (
        (Timer.ACKNOWLEDGEMENT, due.ack_due, False),
        (Timer.DECISION, due.decision_due, due.decision_clock_paused),
        (Timer.EXECUTION, due.execution_due, due.execution_clock_paused),
    ):
        remedy, advice = (
            _ADVICE[(side, timer)] if timer in lapsed and side is not None else (None, None)
        )
        timers.append(
            TimerStatus(
                timer=timer,
                due_at=due_at,
                awaited=awaited[timer],
                paused=paused,
                overdue=timer in lapsed,
                remedy=remedy,
                advice=advice,
            )
        )
    return ServiceLevels(
        side=side,
        legal_basis=[
            ref.basis if ref.treaty_id is None else f"{ref.basis}:{ref.treaty_id}"
            for ref in facts.legal_basis
        ],
        respond_by=facts.respond_by,
        next_due=next_due(facts, policy),
        timers=timers,
    )


def inquiry_reason(levels: ServiceLevels) -> InquiryReason:
    """Why the requesting side asks for the status, from its timers."""
    late = {t.timer for t in levels.timers if t.overdue}
    if Timer.ACKNOWLEDGEMENT in late:
        return InquiryReason.NO_ACKNOWLEDGEMENT
    if late:
        return InquiryReason.DEADLINE_PASSED
    return InquiryReason.ROUTINE
