"""Repatriation at the node: what it adds to the shared lifecycle (messages.repatriation), which
both nodes of a case apply and which refuses, naming its guard, a return scheduled without a
recent safety assessment below PROHIBITIVE or, while legal proceedings are pending, without the
prosecutor's confirmation.

- **Consent before identity data leaves the node.** A message that carries identity sections (who
  the person or their guardian is, a travel document number, the person's own words) is refused
  before anything is sent unless the consent it carries (or, carrying none, the case's) is in
  force, covers the message's purpose and was recorded after any withdrawal reported in the case.
  The lifecycle checks the same on both sides; the node checks first, on the draft, so that the
  refusal is the lifecycle's guard (409 ``consent-for-identity``) saying what is missing, not a
  schema error. The VCCR art. 36 ConsularNotification is exempt: it is the detainee's own request.
- **The prosecutor's confirmation.** While proceedings are pending, a prosecutor of this node
  records their confirmation for the case (they cannot read the case). A ReturnScheduled or
  ResumeNotice then carries it: the node fills in the confirmation on record, and refuses one
  that no prosecutor recorded here (409 ``prosecutor-confirmation-on-record``). A confirmation
  counts only if recorded after the last hold for legal proceedings.

A recorded confirmation is a local entry of the case's timeline (who, when) with the
confirmation sealed under the case's key beside it, so that it is shredded with the case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from messages.errors import FieldProblem
from messages.registry import BODY_OF
from messages.repatriation.lifecycle import (
    CONSENT_FOR_IDENTITY,
    RepatriationCase,
    RepatriationState,
)
from messages.repatriation.models import IDENTITY_SECTIONS, latest_local_date
from messages.repatriation.sections import IDENTITY_AUDIENCE, Consent, ProsecutorConfirmation
from messages.repatriation.vocab import HoldReason, ProceedingsStep
from messages.vocab import AuthorityRole, MessageType
from national_node.auth import Principal
from national_node.cases import (
    CaseContext,
    DraftInvalid,
    MessageDraft,
    TransitionRefused,
    load_facts,
)
from national_node.sealing import section_aad
from national_node.store import Case, CaseEntry, Direction, SealedSection
from national_node.workflows.drafts import section_paths, values_at

CONFIRMATION_RECORDED: Final = "PROSECUTOR_CONFIRMATION"
"""The trigger of a confirmation's entry in the case timeline."""
CONFIRMATION_PATH: Final = "prosecutor_confirmation"
CONFIRMATION_AUDIENCE: Final = IDENTITY_AUDIENCE | {AuthorityRole.PROSECUTOR}
CONFIRMATION_ON_RECORD: Final = "prosecutor-confirmation-on-record"
CONSENT_EXEMPT: Final = frozenset({MessageType.CONSULAR_NOTIFICATION})
"""VCCR art. 36(1)(b): the detainee asked for the notification; it needs no victim consent."""
CONFIRMABLE_STATES: Final = frozenset(
    {
        RepatriationState.IDENTIFIED,
        RepatriationState.CONSENT_PENDING,
        RepatriationState.NATIONALITY_VERIFICATION,
        RepatriationState.NATIONALITY_CONFIRMED,
        RepatriationState.NOT_CONFIRMED,
        RepatriationState.RISK_ASSESSMENT,
        RepatriationState.TRAVEL_DOCS_REQUESTED,
        RepatriationState.TRAVEL_DOCS_ISSUED,
        RepatriationState.RETURN_SCHEDULED,
        RepatriationState.ON_HOLD,
    }
)
"""States in which a return (or its resumption) still lies ahead."""
CARRY_CONFIRMATION: Final = frozenset({MessageType.RETURN_SCHEDULED, MessageType.RESUME_NOTICE})


def facts_of(ctx: CaseContext, case: Case) -> RepatriationCase:
    facts = load_facts(ctx, case)
    assert isinstance(facts, RepatriationCase)  # noqa: S101 - a repatriation case's facts
    return facts


# --- consent before identity data leaves -------------------------------------------------------


def identity_paths(message_type: MessageType) -> list[str]:
    """Where a body of ``message_type`` may carry consent-bound identity sections."""
    return section_paths(BODY_OF[message_type], lambda kind: issubclass(kind, IDENTITY_SECTIONS))


def _consent_in(body: dict[str, Any]) -> Consent | bool | None:
    """The consent a raw body carries, None if it carries none, False if it is malformed (the
    schema then names what is wrong with it)."""
    raw = body.get("consent")
    if raw is None:
        return None
    try:
        return Consent.model_validate_json(json.dumps(raw))
    except ValidationError:
        return False


def consent_refusal(
    facts: RepatriationCase, message_type: MessageType, body: dict[str, Any]
) -> str | None:
    """Why the identity data in ``body`` may not leave the node, or None."""
    if message_type in CONSENT_EXEMPT:
        return None
    present = [path for path in identity_paths(message_type) if values_at(body, path)]
    if not present:
        return None
    carried = _consent_in(body)
    if carried is False:
        return None
    consent = carried if isinstance(carried, Consent) else facts.consent
    what = f"{', '.join(present)} {'carries' if len(present) == 1 else 'carry'} identity data"
    if consent is None:
        return f"{what}, and neither the message nor the case records the person's consent"
    source = "the message's" if carried is not None else "the case's"
    if not consent.given:
        return f"{what}, but {source} consent is not given"
    if consent.withdrawn_at is not None:
        return f"{what}, but {source} consent was withdrawn"
    purpose = getattr(BODY_OF[message_type], "CONSENT_PURPOSE", None)
    if purpose is not None and purpose not in consent.scope:
        return f"{what}, but {source} consent does not cover {purpose}, this message's purpose"
    withdrawn = facts.consent_withdrawn_at
    if withdrawn is not None and consent.recorded_at <= withdrawn:
        return (
            f"{what}, but {source} consent was recorded before the withdrawal reported in this "
            "case: a new consent is needed"
        )
    return None


def check_consent(ctx: CaseContext, case: Case, draft: MessageDraft) -> None:
    """Raise TransitionRefused (guard ``consent-for-identity``) if the draft's identity data
    may not leave the node."""
    facts = facts_of(ctx, case)
    why = consent_refusal(facts, draft.message_type, draft.body)
    if why is not None:
        raise TransitionRefused(
            f"repatriation case in state {facts.state}: {draft.message_type} refused: "
            f"{CONSENT_FOR_IDENTITY.name}: {why}. Nothing was sent.",
            [CONSENT_FOR_IDENTITY.name],
        )


# --- the prosecutor's confirmation -----------------------------------------------------------


@dataclass(frozen=True)
class RecordedConfirmation:
    entry_id: int
    recorded_at: int
    recorded_by: int | None
    confirmation: ProsecutorConfirmation
    current: bool
    """Recorded after the last hold for legal proceedings: it still clears the proceedings."""


def _aad(case: Case, entry_id: int) -> bytes:
    return section_aad(case.id, f"local-{entry_id}", CONFIRMATION_PATH)


async def _last_proceedings_hold(session: AsyncSession, case: Case) -> int:
    """The entry id of the last hold for legal proceedings applied to the case (0 if none)."""
    holds = await session.exec(
        select(CaseEntry)
        .where(
            CaseEntry.case_id == case.id,
            CaseEntry.trigger == str(MessageType.HOLD_NOTICE),
            col(CaseEntry.refused).is_(None),
        )
        .order_by(col(CaseEntry.id).desc())
    )
    for entry in holds.all():
        body = json.loads(entry.document or b"{}").get("body", {})
        if body.get("reason") == HoldReason.LEGAL_PROCEEDINGS and entry.id is not None:
            return entry.id
    return 0


async def confirmations(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    *,
    reader: Principal | None = None,
    now: int = 0,
) -> list[RecordedConfirmation]:
    """The confirmations recorded for ``case``, oldest first. With ``reader``, each opening is
    recorded as that user's access (the node's own use of them is not a user's read)."""
    rows = await session.exec(
        select(CaseEntry, SealedSection)
        .join(SealedSection, col(SealedSection.entry_id) == col(CaseEntry.id))
        .where(
            CaseEntry.case_id == case.id,
            CaseEntry.trigger == CONFIRMATION_RECORDED,
            SealedSection.path == CONFIRMATION_PATH,
        )
        .order_by(col(CaseEntry.id))
    )
    hold = await _last_proceedings_hold(session, case)
    key = ctx.key_of(case)
    found = []
    for entry, section in rows.all():
        assert entry.id is not None  # noqa: S101 - a stored row
        plaintext = key.open(section.blob or b"", _aad(case, entry.id))
        found.append(
            RecordedConfirmation(
                entry_id=entry.id,
                recorded_at=entry.at,
                recorded_by=entry.actor_id,
                confirmation=ProsecutorConfirmation.model_validate_json(plaintext),
                current=entry.id > hold,
            )
        )
        if reader is not None:
            session.add(reader.opened(case.id, CONFIRMATION_PATH, now, entry.id))
    return found


async def record_confirmation(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    principal: Principal,
    *,
    decision_ref: str,
    confirmed_on: date,
    step: ProceedingsStep,
) -> RecordedConfirmation:
    """A prosecutor's confirmation that the return does not prejudice the pending proceedings
    (TIP Protocol art. 8(2)), recorded in ``session``'s transaction (the caller commits).

    Raises DraftInvalid (the confirmation itself is invalid) or TransitionRefused (the case
    cannot take one now)."""
    now = ctx.clock()
    facts = facts_of(ctx, case)
    refusal: tuple[str, str] | None = None
    if case.opened_by is None:
        refusal = (
            "case-held-here",
            f"the case was opened by {case.counterpart_state}: proceedings are confirmed at the "
            "node of the state where they are pending, which opened the case",
        )
    elif facts.state not in CONFIRMABLE_STATES:
        refusal = ("return-ahead", f"the case is {facts.state}: no return lies ahead to confirm")
    elif not facts.legal_proceedings_pending:
        refusal = (
            "legal-proceedings-pending",
            "no legal proceedings are pending in this case: its return needs no confirmation",
        )
    if refusal is not None:
        guard, why = refusal
        raise TransitionRefused(f"prosecutor's confirmation refused: {guard}: {why}", [guard])
    if confirmed_on > latest_local_date(now):
        raise DraftInvalid([FieldProblem("confirmed_on", "the date is in the future")])
    try:
        confirmation = ProsecutorConfirmation(
            prosecutor_authority_id=principal.authority_id,
            decision_ref=decision_ref,
            confirmed_on=confirmed_on,
            step=step,
        )
    except ValidationError as error:
        raise DraftInvalid(
            [FieldProblem(".".join(map(str, e["loc"])), e["msg"]) for e in error.errors()]
        ) from None
    entry = CaseEntry(
        case_id=case.id,
        at=int(now.timestamp()),
        direction=Direction.LOCAL,
        trigger=CONFIRMATION_RECORDED,
        actor_id=principal.user_id,
        state_after=case.state,
    )
    session.add(entry)
    await session.flush()
    assert entry.id is not None  # noqa: S101 - assigned by the flush
    blob = ctx.key_of(case).seal(confirmation.model_dump_json().encode(), _aad(case, entry.id))
    session.add(
        SealedSection(
            entry_id=entry.id,
            path=CONFIRMATION_PATH,
            audience=" ".join(sorted(str(role) for role in CONFIRMATION_AUDIENCE)),
            blob=blob,
        )
    )
    case.updated_at = int(now.timestamp())
    session.add(case)
    return RecordedConfirmation(entry.id, entry.at, principal.user_id, confirmation, True)


async def with_confirmation(
    session: AsyncSession, ctx: CaseContext, case: Case, draft: MessageDraft
) -> MessageDraft:
    """The draft carrying the prosecutor's confirmation on record, if the case needs one; a
    confirmation the draft brings itself must be one recorded here (TransitionRefused)."""
    if draft.message_type not in CARRY_CONFIRMATION:
        return draft
    current = [c.confirmation for c in await confirmations(session, ctx, case) if c.current]
    raw = draft.body.get(CONFIRMATION_PATH)
    if raw is not None:
        try:
            given = ProsecutorConfirmation.model_validate_json(json.dumps(raw))
        except ValidationError:
            return draft  # the schema names what is wrong with it
        if given not in current:
            raise TransitionRefused(
                f"repatriation case in state {case.state}: {draft.message_type} refused: "
                f"{CONFIRMATION_ON_RECORD}: the prosecutor_confirmation it carries was not "
                "recorded by a prosecutor at this node since the proceedings were last reported "
                "pending (a prosecutor records it at "
                f"/repatriation/cases/{case.id}/prosecutor-confirmations)",
                [CONFIRMATION_ON_RECORD],
            )
        return draft
    facts = facts_of(ctx, case)
    if not facts.legal_proceedings_pending or facts.prosecutor_confirmed or not current:
        return draft
    body = {**draft.body, CONFIRMATION_PATH: current[-1].model_dump(mode="json")}
    return draft.model_copy(update={"body": body})


# --- the family's rules at the node ----------------------------------------------------------


class RepatriationRules:
    """The node's rules for repatriation messages (see the module's docstring)."""

    def check_new_case(self, ctx: CaseContext, draft: MessageDraft) -> None:
        return None

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
        check_consent(ctx, case, draft)
        return await with_confirmation(session, ctx, case, draft)


RULES: Final = RepatriationRules()
