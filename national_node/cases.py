"""Cases: drafting, sending and receiving the messages of a case, one lifecycle for both sides.

Every change of a case goes through :func:`messages.lifecycle.apply` with the case's recorded
facts, in one database transaction that also writes the case entry, its encrypted sealed sections
and (for a message sent) the gateway's outbox row. A message that cannot be sent is refused with
every problem named; a received message that the lifecycle refuses is still stored (nothing
received is ever lost) and flagged, and the refusal is logged.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.at_rest import CaseKey, DataKey
from crypto.envelope import OpenedEnvelope
from crypto.errors import DirectoryError
from gateway.service import Gateway
from messages.document import Document
from messages.errors import FieldProblem, GuardFailed, IllegalTransition, MalformedMessage
from messages.header import SCHEMA_VERSION
from messages.lifecycle import apply
from messages.mla.lifecycle import MlaCase
from messages.mla.service_levels import DEFAULT_POLICY, ServiceLevelPolicy, next_due
from messages.registry import BODY_OF, FAMILY_SPECS, parse_document
from messages.types import CaseRef, Identifier, StateCode
from messages.vocab import AuthorityRole, Family, MessageType
from national_node.auth import Principal
from national_node.sealing import EncryptedSection, seal_sections
from national_node.store import Case, CaseEntry, Direction, NodeEvent, SealedSection
from national_node.workflows.mla import message_problems

_FACTS: dict[type[Any], TypeAdapter[Any]] = {}

CASE_FAMILIES: Final = (
    Family.MLA,
    Family.REPATRIATION,
    Family.WITNESS_PROTECTION,
    Family.STATISTICS,
)


@dataclass(frozen=True)
class FamilyDefaults:
    """What a message of the family says unless its draft (or the case before it) says
    otherwise."""

    classification: str
    use_limitation: str
    no_onward_transmission: bool
    need_to_know_roles: tuple[AuthorityRole, ...]
    retention: timedelta
    legal_basis: tuple[str, ...] = ()
    abbreviation: str = ""


DEFAULTS: Final[dict[Family, FamilyDefaults]] = {
    Family.MLA: FamilyDefaults(
        "RESTRICTED",
        "STATED_PURPOSE_ONLY",
        True,
        (AuthorityRole.CENTRAL_AUTHORITY, AuthorityRole.PROSECUTOR),
        timedelta(days=3653),
        abbreviation="MLA",
    ),
    Family.REPATRIATION: FamilyDefaults(
        "CONFIDENTIAL",
        "VICTIM_ASSISTANCE_ONLY",
        True,
        (AuthorityRole.CONSULAR_POST, AuthorityRole.VICTIM_SERVICES),
        timedelta(days=1826),
        ("TIP_PROTOCOL_ART8",),
        "REP",
    ),
    Family.WITNESS_PROTECTION: FamilyDefaults(
        "CONFIDENTIAL",
        "WITNESS_PROTECTION_ONLY",
        True,
        (AuthorityRole.WP_UNIT,),
        timedelta(days=3653),
        ("UNTOC_ART24",),
        "WP",
    ),
    Family.STATISTICS: FamilyDefaults(
        "RESTRICTED",
        "STATISTICS_ONLY",
        False,
        (AuthorityRole.STATS_OFFICE,),
        timedelta(days=3653),
        abbreviation="STA",
    ),
}


# --- errors ------------------------------------------------------------------------------


class CaseProblem(Exception):
    """Base of what a case operation refuses; the API maps each to a status code."""


class CaseNotFound(CaseProblem):
    pass


class DraftInvalid(CaseProblem):
    """The message is incomplete or invalid: every problem is named."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class TransitionRefused(CaseProblem):
    """The lifecycle does not allow this now (state, or a guard)."""

    def __init__(self, message: str, guards: list[str]) -> None:
        super().__init__(message)
        self.guards = guards


# --- the API's view of a message to send --------------------------------------------------


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: StateCode = Field(description="ISO 3166-1 alpha-2 code of the counterpart state")
    authority_id: Identifier
    role: AuthorityRole


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_problem(value: Any, path: str) -> str | None:
    """What in ``value`` JSON (RFC 8259) cannot hold, though Python's json module reads it: a
    NaN or infinite number, or a lone surrogate in a string (no UTF-8 encodes it)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{path}: {value} is not a JSON number"
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        return f"{path}: not text (a lone surrogate at {found.start()})" if found else None
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        problem = _json_problem(key, path) or _json_problem(item, f"{path}.{key}")
        if problem:
            return problem
    return None


class MessageDraft(BaseModel):
    """A message as a user writes it: the body, and whatever of the header is not implied by the
    case (ids, times, sender, recipient, conversation are filled in by the node)."""

    model_config = ConfigDict(extra="forbid")

    message_type: MessageType
    body: dict[str, Any] = Field(default_factory=dict)
    recipient: Recipient | None = Field(
        default=None, description="Required for the first message of a case only"
    )
    in_reply_to: uuid.UUID | None = Field(
        default=None, description="Default: the last message received in the case"
    )
    case_ref: CaseRef | None = Field(default=None, description="Default: generated")
    legal_basis: list[dict[str, Any]] | None = Field(
        default=None, description="Default: as in the case's previous message, or the family's"
    )
    classification: str | None = None
    handling: dict[str, Any] | None = None
    language: str = "en"
    urgency: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _json_only(self) -> MessageDraft:
        problem = _json_problem(self.model_dump(exclude_none=True), "draft")
        if problem:
            raise ValueError(problem)
        return self


class FamilyRules(Protocol):
    """What a family's workflow adds at the node to the schema and the lifecycle: checks and
    completions of the messages it sends (national_node.workflows; the node passes them in its
    CaseContext)."""

    def check_new_case(self, ctx: CaseContext, draft: MessageDraft) -> None:
        """Raise DraftInvalid if a case may not be opened with ``draft``."""

    async def prepare(
        self,
        session: AsyncSession,
        ctx: CaseContext,
        case: Case,
        draft: MessageDraft,
        principal: Principal,
        *,
        sending: bool,
    ) -> MessageDraft:
        """The draft as the node sends it (what the node fills in), or DraftInvalid /
        TransitionRefused naming what the node refuses. With ``sending``, what the node issues
        for it is recorded in ``session``'s transaction."""
        ...


# --- case keys, facts ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseContext:
    """What case operations need from the node."""

    state: str
    data_key: DataKey
    gateway: Gateway
    policy: ServiceLevelPolicy = DEFAULT_POLICY
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    rules: Mapping[Family, FamilyRules] = field(default_factory=dict)
    """Each family's rules at the node, beyond the schema and the lifecycle."""

    def now(self) -> int:
        """The case clock in Unix seconds (what due dates and overdue flags compare with)."""
        return int(self.clock().timestamp())

    def key_of(self, case: Case) -> CaseKey:
        return self.data_key.case_key(case.id, case.wrapped_key)


def _facts_adapter(kind: type[Any]) -> TypeAdapter[Any]:
    if kind not in _FACTS:
        _FACTS[kind] = TypeAdapter(kind)
    return _FACTS[kind]


def load_facts(ctx: CaseContext, case: Case) -> Any:
    spec = FAMILY_SPECS[Family(case.family)]
    kind = type(spec.new_case())
    if case.facts is None:
        return spec.new_case()
    plaintext = ctx.key_of(case).open(case.facts, f"facts|{case.id}".encode())
    return _facts_adapter(kind).validate_json(plaintext)


def _store_facts(ctx: CaseContext, case: Case, facts: Any) -> None:
    blob = _facts_adapter(type(facts)).dump_json(facts)
    case.facts = ctx.key_of(case).seal(blob, f"facts|{case.id}".encode())
    case.state = str(facts.state)
    case.due_at = _next_due(ctx, facts)


def _next_due(ctx: CaseContext, facts: Any) -> int | None:
    if not isinstance(facts, MlaCase):
        return None
    due = next_due(facts, ctx.policy)
    return int(due.timestamp()) if due is not None else None


def draft_of(ctx: CaseContext, case: Case) -> MessageDraft | None:
    if case.draft is None:
        return None
    plaintext = ctx.key_of(case).open(case.draft, f"draft|{case.id}".encode())
    return MessageDraft.model_validate_json(plaintext)


def _store_draft(ctx: CaseContext, case: Case, draft: MessageDraft | None) -> None:
    if draft is None:
        case.draft, case.draft_type = None, None
        return
    case.draft = ctx.key_of(case).seal(
        draft.model_dump_json(exclude_none=True).encode(), f"draft|{case.id}".encode()
    )
    case.draft_type = str(draft.message_type)


# --- assembling and checking a message -------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_case_ref(state: str, family: Family, now: datetime) -> str:
    return f"{state}-{DEFAULTS[family].abbreviation}-{now.year}-{secrets.token_hex(3).upper()}"


async def _previous_header(session: AsyncSession, case: Case) -> dict[str, Any] | None:
    entry = (
        await session.exec(
            select(CaseEntry)
            .where(CaseEntry.case_id == case.id, col(CaseEntry.document).is_not(None))
            .order_by(col(CaseEntry.id).desc())
        )
    ).first()
    if entry is None or entry.document is None:
        return None
    header: dict[str, Any] = json.loads(entry.document)["header"]
    return header


async def _last_received_id(session: AsyncSession, case: Case) -> str | None:
    entry = (
        await session.exec(
            select(CaseEntry)
            .where(CaseEntry.case_id == case.id, CaseEntry.direction == Direction.RECEIVED)
            .order_by(col(CaseEntry.id).desc())
        )
    ).first()
    return entry.message_id if entry else None


async def assemble(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    draft: MessageDraft,
    principal: Principal,
    now: datetime,
) -> dict[str, Any]:
    """The whole document a draft becomes (as JSON data, not yet validated)."""
    family = Family(case.family)
    defaults = DEFAULTS[family]
    previous = await _previous_header(session, case)
    in_reply_to = draft.in_reply_to or await _last_received_id(session, case)
    handling = (
        draft.handling
        or (previous or {}).get("handling")
        or {
            "use_limitation": defaults.use_limitation,
            "no_onward_transmission": defaults.no_onward_transmission,
            "need_to_know_roles": [str(role) for role in defaults.need_to_know_roles],
            "retention_until": (now + defaults.retention).date().isoformat(),
        }
    )
    if draft.legal_basis is not None:
        legal_basis = draft.legal_basis
    elif previous is not None:
        legal_basis = previous.get("legal_basis", [])
    else:
        legal_basis = [{"basis": basis} for basis in defaults.legal_basis]
    header: dict[str, Any] = {
        "message_id": str(uuid.uuid4()),
        "family": str(family),
        "message_type": str(draft.message_type),
        "schema_version": SCHEMA_VERSION,
        "conversation_id": case.conversation_id,
        "in_reply_to": str(in_reply_to) if in_reply_to else None,
        "case_ref": case.case_ref,
        "sent_at": _iso(now),
        "sender": {
            "state": ctx.state,
            "authority_id": case.authority_id,
            "role": str(principal.authority_role) if principal.authority_role else None,
        },
        "recipient": {
            "state": case.counterpart_state,
            "authority_id": case.counterpart_authority,
            "role": case.counterpart_role,
        },
        "legal_basis": legal_basis,
        "classification": draft.classification
        or (previous or {}).get("classification")
        or defaults.classification,
        "handling": handling,
        "language": draft.language,
        "urgency": draft.urgency,
        "attachments": draft.attachments,
    }
    return {
        "header": {k: v for k, v in header.items() if v is not None},
        "body": draft.body,
    }


def validate(document: dict[str, Any], family: Family) -> Document[Any]:
    """Parse an assembled document exactly as a recipient will (strict JSON); DraftInvalid
    names every problem."""
    message_type = document["header"]["message_type"]
    if BODY_OF[MessageType(message_type)].FAMILY is not family:
        raise DraftInvalid(
            [FieldProblem("message_type", f"a {message_type} does not belong to a {family} case")]
        )
    try:
        return parse_document(json.dumps(document).encode())
    except MalformedMessage as error:
        problems = list(error.problems)
        if family is Family.MLA:
            problems = message_problems(document, problems)  # every item, not the first rule
        raise DraftInvalid(problems) from None


def check_transition(ctx: CaseContext, case: Case, document: Document[Any], now: datetime) -> Any:
    """The case's facts after ``document``, or TransitionRefused."""
    spec = FAMILY_SPECS[Family(case.family)]
    try:
        return apply(spec.lifecycle, load_facts(ctx, case), document, now=now)
    except GuardFailed as error:
        raise TransitionRefused(str(error), list(error.guards)) from None
    except IllegalTransition as error:
        raise TransitionRefused(str(error), []) from None


# --- operations --------------------------------------------------------------------------------


async def open_case(
    session: AsyncSession,
    ctx: CaseContext,
    principal: Principal,
    family: Family,
    draft: MessageDraft,
) -> Case:
    """A new case in the lifecycle's initial state, holding its first message as a draft."""
    if draft.recipient is None:
        raise DraftInvalid(
            [FieldProblem("recipient", "the first message of a case names its recipient")]
        )
    if draft.recipient.state == ctx.state:
        raise DraftInvalid([FieldProblem("recipient.state", "a case is with another state")])
    if (rules := ctx.rules.get(family)) is not None:
        rules.check_new_case(ctx, draft)
    now = ctx.clock()
    case_id = str(uuid.uuid4())
    _, wrapped = ctx.data_key.new_case_key(case_id)
    spec = FAMILY_SPECS[family]
    case = Case(
        id=case_id,
        family=str(family),
        case_ref=draft.case_ref or _new_case_ref(ctx.state, family, now),
        conversation_id=str(uuid.uuid4()),
        state=str(spec.lifecycle.initial),
        authority_id=principal.authority_id,
        counterpart_state=draft.recipient.state,
        counterpart_authority=draft.recipient.authority_id,
        counterpart_role=str(draft.recipient.role),
        opened_by=principal.user_id,
        created_at=int(now.timestamp()),
        updated_at=int(now.timestamp()),
        wrapped_key=wrapped,
    )
    _store_facts(ctx, case, spec.new_case())
    _store_draft(ctx, case, draft)
    session.add(case)
    return case


async def save_draft(
    session: AsyncSession, ctx: CaseContext, case: Case, draft: MessageDraft
) -> None:
    _store_draft(ctx, case, draft)
    case.updated_at = int(ctx.clock().timestamp())
    session.add(case)


async def _prepare(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    draft: MessageDraft,
    principal: Principal,
    *,
    sending: bool,
) -> MessageDraft:
    rules = ctx.rules.get(Family(case.family))
    if rules is None:
        return draft
    return await rules.prepare(session, ctx, case, draft, principal, sending=sending)


async def completeness(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    draft: MessageDraft,
    principal: Principal,
) -> list[FieldProblem]:
    """Every missing or invalid item of a draft, and whether the case may send it now."""
    now = ctx.clock()
    try:
        draft = await _prepare(session, ctx, case, draft, principal, sending=False)
        document = validate(
            await assemble(session, ctx, case, draft, principal, now), Family(case.family)
        )
    except DraftInvalid as error:
        return error.problems
    except TransitionRefused as error:
        return [FieldProblem("message_type", str(error))]
    try:
        check_transition(ctx, case, document, now)
    except TransitionRefused as error:
        return [FieldProblem("message_type", str(error))]
    return []


async def send(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    draft: MessageDraft,
    principal: Principal,
) -> CaseEntry:
    """Validate, apply, store and enqueue a message of ``case``, all in ``session``'s
    transaction (the caller commits)."""
    now = ctx.clock()
    draft = await _prepare(session, ctx, case, draft, principal, sending=True)
    document = validate(
        await assemble(session, ctx, case, draft, principal, now), Family(case.family)
    )
    facts = check_transition(ctx, case, document, now)
    try:
        outbox = await ctx.gateway.enqueue(session, document)
    except DirectoryError as error:  # no key to encrypt to: the state is not in the federation
        raise DraftInvalid([FieldProblem("recipient.state", str(error))]) from None
    entry = await _record(session, ctx, case, document, Direction.SENT, now, principal.user_id)
    entry.envelope_sha256 = outbox.envelope_sha256
    _store_facts(ctx, case, facts)
    entry.state_after = case.state
    if case.draft_type == str(draft.message_type):
        _store_draft(ctx, case, None)
    case.updated_at = int(now.timestamp())
    session.add(case)
    return entry


async def local_event(
    session: AsyncSession, ctx: CaseContext, case: Case, event: str, principal: Principal
) -> CaseEntry:
    """A lifecycle event at this node that sends no message."""
    spec = FAMILY_SPECS[Family(case.family)]
    try:
        trigger = spec.lifecycle.events(event)
    except ValueError:
        raise TransitionRefused(
            f"{event} is not a local event of {case.family} "
            f"(events: {', '.join(e.value for e in spec.lifecycle.events)})",
            [],
        ) from None
    now = ctx.clock()
    try:
        facts = apply(spec.lifecycle, load_facts(ctx, case), trigger, now=now)
    except GuardFailed as error:
        raise TransitionRefused(str(error), list(error.guards)) from None
    except IllegalTransition as error:
        raise TransitionRefused(str(error), []) from None
    _store_facts(ctx, case, facts)
    case.updated_at = int(now.timestamp())
    entry = CaseEntry(
        case_id=case.id,
        at=int(now.timestamp()),
        direction=Direction.LOCAL,
        trigger=str(trigger),
        actor_id=principal.user_id,
        state_after=case.state,
    )
    session.add(case)
    session.add(entry)
    return entry


async def _record(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    document: Document[Any],
    direction: Direction,
    now: datetime,
    actor_id: int | None,
) -> CaseEntry:
    redacted, sections = seal_sections(document, case.id, ctx.key_of(case))
    entry = CaseEntry(
        case_id=case.id,
        at=int(now.timestamp()),
        direction=direction,
        trigger=str(document.header.message_type),
        message_id=str(document.header.message_id),
        actor_id=actor_id,
        state_after=case.state,
        document=redacted,
    )
    session.add(entry)
    await session.flush()
    assert entry.id is not None  # noqa: S101 - assigned by the flush
    for section in sections:
        session.add(_section_row(entry.id, section))
    return entry


def _section_row(entry_id: int, section: EncryptedSection) -> SealedSection:
    return SealedSection(
        entry_id=entry_id,
        path=section.path,
        audience=" ".join(sorted(str(role) for role in section.audience)),
        blob=section.blob,
    )


async def receive(session: AsyncSession, ctx: CaseContext, opened: OpenedEnvelope) -> None:
    """The gateway's accept hook: file an accepted message in its case (opening the case if it
    is the first message of a conversation), in the inbox's transaction."""
    document = opened.document
    family = document.header.family
    if family not in CASE_FAMILIES:
        return
    now = ctx.clock()
    case = (
        await session.exec(
            select(Case)
            .where(Case.conversation_id == str(document.header.conversation_id))
            .with_for_update()
        )
    ).first()
    if case is None:
        case_id = str(uuid.uuid4())
        _, wrapped = ctx.data_key.new_case_key(case_id)
        spec = FAMILY_SPECS[family]
        case = Case(
            id=case_id,
            family=str(family),
            case_ref=document.header.case_ref,
            conversation_id=str(document.header.conversation_id),
            state=str(spec.lifecycle.initial),
            authority_id=document.header.recipient.authority_id,
            counterpart_state=document.header.sender.state,
            counterpart_authority=document.header.sender.authority_id,
            counterpart_role=str(document.header.sender.role),
            created_at=int(now.timestamp()),
            updated_at=int(now.timestamp()),
            wrapped_key=wrapped,
        )
        _store_facts(ctx, case, spec.new_case())
        session.add(case)
    elif case.counterpart_state != document.header.sender.state or case.family != str(family):
        # Another state (or family) writing into this conversation: keep it, change nothing.
        await _refused(session, opened, "conversation belongs to another case", now)
        return
    refusal: str | None = None
    try:
        facts = check_transition(ctx, case, document, now)
    except TransitionRefused as error:
        refusal = str(error)
    entry = await _record(session, ctx, case, document, Direction.RECEIVED, now, None)
    entry.envelope_sha256 = opened.sha256
    if refusal is None:
        _store_facts(ctx, case, facts)
        entry.state_after = case.state
    else:
        entry.refused = refusal
        await _refused(session, opened, refusal, now)
    case.updated_at = int(now.timestamp())
    session.add(case)


async def _refused(session: AsyncSession, opened: OpenedEnvelope, why: str, now: datetime) -> None:
    session.add(
        NodeEvent(
            at=int(now.timestamp()),
            kind="business-refused",
            detail=json.dumps(
                {"envelope_sha256": opened.sha256, "from": opened.header.iss, "why": why[:500]}
            ),
        )
    )


async def get_case(session: AsyncSession, case_id: str, *, for_update: bool = False) -> Case:
    """A case by id; ``for_update`` locks its row until the transaction ends (PostgreSQL), so
    two messages of one case are applied one after the other, never both to the same state."""
    case = await session.get(Case, case_id, with_for_update=for_update)
    if case is None:
        raise CaseNotFound(case_id)
    return case
