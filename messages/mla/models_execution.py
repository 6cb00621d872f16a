"""The execution report: what was done for each measure, and the evidence with its chain of
custody (domain model A.3)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from messages.base import WireModel
from messages.header import Header
from messages.mla.models_common import (
    Condition,
    MlaBody,
    OfficialIdentity,
    SealedText,
    duplicates,
)
from messages.mla.models_request import MAX_MEASURES
from messages.mla.models_responses import MAX_CONDITIONS, check_condition_ids
from messages.mla.rules import (
    COSTS,
    CUSTODY_CHAIN,
    EVIDENCE_ATTACHED,
    EVIDENCE_DIGEST,
    EVIDENCE_IDS,
    NOT_EXECUTABLE_EXPLANATION,
    ORIGINALS,
    OUTCOME,
    RESULT_IDS,
    RESULT_PERFORMANCE,
    RESULT_REASON,
    SUBSTITUTION,
    at,
)
from messages.mla.vocab import (
    DONE_STATUSES,
    Currency,
    CustodyAction,
    EvidenceDelivery,
    EvidenceKind,
    ExecutionOutcome,
    MeasureStatus,
    MeasureType,
)
from messages.types import (
    CalendarDate,
    DecimalString,
    Identifier,
    Label,
    Paragraph,
    Sentence,
    Sha256Hex,
    UtcDateTime,
)
from messages.vocab import MessageType


class CustodyEntry(WireModel):
    """One link of the chain of custody: who held the item, from when to when."""

    holder: Label
    """The unit or institution that held the item, e.g. 'Policía Nacional – Depósito de
    evidencias, Asunción'. Not a person's name."""
    holder_authority_id: Identifier | None = None
    official: OfficialIdentity | None = None
    """The official personally responsible for the item during this custody."""
    action: CustodyAction
    """How the item came into this holder's custody, or what the holder did with it."""
    held_from: UtcDateTime
    held_until: UtcDateTime | None = None
    """When the next holder took over; open for the current holder."""


class EvidenceItem(WireModel):
    """An item of evidence obtained by a measure (domain model A.3 ``EvidenceItem``)."""

    item_id: Identifier
    kind: EvidenceKind
    description: SealedText
    """What the item is; sealed because it names or describes persons."""
    delivery: EvidenceDelivery
    sha256: Sha256Hex | None = None
    """The SHA-256 of the file; required for everything but a physical object."""
    custody_chain: list[CustodyEntry] = Field(min_length=1, max_length=50)
    """From the collection or seizure to the current holder, in order."""
    certification: Sentence | None = None
    """How the item is certified (e.g. 'copia certificada por el custodio de registros')."""
    restrictions_on_use: Sentence | None = None

    def check_rules(self, here: str) -> None:
        if self.kind is not EvidenceKind.PHYSICAL_OBJECT and self.sha256 is None:
            raise at(EVIDENCE_DIGEST, f"{here}.sha256")
        if self.kind is EvidenceKind.PHYSICAL_OBJECT and self.delivery is EvidenceDelivery.ATTACHED:
            raise at(EVIDENCE_DIGEST, f"{here}.delivery", "a physical object is never ATTACHED")
        chain = self.custody_chain
        for number, entry in enumerate(chain):
            link = f"{here}.custody_chain[{number}]"
            last = number == len(chain) - 1
            if entry.held_until is None and not last:
                raise at(CUSTODY_CHAIN, f"{link}.held_until", "only the last custody is open")
            if entry.held_until is not None and entry.held_until < entry.held_from:
                raise at(CUSTODY_CHAIN, f"{link}.held_until", "ends before it starts")
            if not last and chain[number + 1].held_from != entry.held_until:
                raise at(
                    CUSTODY_CHAIN,
                    f"{here}.custody_chain[{number + 1}].held_from",
                    "the custody does not begin when the previous one ends",
                )


class MeasureResult(WireModel):
    """What became of one measure (domain model A.3 ``MeasureResult``)."""

    measure_id: Identifier
    status: MeasureStatus
    substituted_by: MeasureType | None = None
    """SUBSTITUTED only: the measure carried out instead (EIO art. 10)."""
    reason: Sentence | None = None
    """Why the measure was not fully carried out as requested. Procedural: persons only by
    subject token."""
    executed_at: UtcDateTime | None = None
    """When the measure was carried out (or the last act of it)."""
    evidence_items: list[EvidenceItem] = Field(default_factory=list, max_length=100)

    def check_rules(self, here: str) -> None:
        substituted = self.status is MeasureStatus.SUBSTITUTED
        if substituted != (self.substituted_by is not None):
            raise at(SUBSTITUTION, f"{here}.substituted_by")
        if self.status is not MeasureStatus.COMPLETED and self.reason is None:
            raise at(RESULT_REASON, f"{here}.reason")
        performed = self.status is not MeasureStatus.NOT_PERFORMED
        if performed != (self.executed_at is not None):
            raise at(RESULT_PERFORMANCE, f"{here}.executed_at")
        if not performed and self.evidence_items:
            raise at(RESULT_PERFORMANCE, f"{here}.evidence_items", "no evidence without execution")
        for number, item in enumerate(self.evidence_items):
            item.check_rules(f"{here}.evidence_items[{number}]")


class CostStatement(WireModel):
    """The costs of execution (UNTOC 18(28): ordinary costs are borne by the requested state)."""

    extraordinary: bool
    """Whether the costs are extraordinary and to be discussed with the requesting state."""
    amount: DecimalString | None = None
    currency: Currency | None = None
    note: Sentence | None = None


class ExecutionReport(MlaBody):
    """The requested state reports the execution: a result per measure with the evidence
    obtained, the conditions of use and costs (domain model A.3). A request that cannot be
    executed is returned with an explanation (outcome NOT_EXECUTABLE; IACMAMC art. 26).

    A PARTIALLY_EXECUTED report may be followed by further reports for the remaining measures.
    """

    MESSAGE_TYPE: ClassVar = MessageType.EXECUTION_REPORT

    outcome: ExecutionOutcome
    results: list[MeasureResult] = Field(min_length=1, max_length=MAX_MEASURES)
    explanation: Paragraph | None = None
    """Why the request cannot be executed (required for NOT_EXECUTABLE). Procedural: persons
    only by subject token."""
    conditions: list[Condition] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    """Conditions on the use of the evidence (domain model A.3 ``use_conditions``)."""
    originals_to_be_returned: bool
    return_originals_by: CalendarDate | None = None
    costs_incurred: CostStatement | None = None

    @model_validator(mode="after")
    def _rules(self) -> ExecutionReport:
        repeated = duplicates(r.measure_id for r in self.results)
        if repeated:
            raise RESULT_IDS.violation(f"{repeated[0]} has two results")
        for index, result in enumerate(self.results):
            result.check_rules(f"results[{index}]")
        items = [item.item_id for r in self.results for item in r.evidence_items]
        repeated_items = duplicates(items)
        if repeated_items:
            raise EVIDENCE_IDS.violation(f"{repeated_items[0]} is used twice")
        self._check_outcome()
        check_condition_ids(self.conditions)
        if self.originals_to_be_returned != (self.return_originals_by is not None):
            raise ORIGINALS.violation()
        costs = self.costs_incurred
        if costs is not None:
            if (costs.amount is None) != (costs.currency is None):
                raise COSTS.violation("amount and currency are given together")
            if costs.amount is not None and costs.amount < 0:
                raise COSTS.violation("the amount is negative")
        return self

    def _check_outcome(self) -> None:
        statuses = [r.status for r in self.results]
        outcome = self.outcome
        if outcome is ExecutionOutcome.EXECUTED and not all(s in DONE_STATUSES for s in statuses):
            raise OUTCOME.violation("EXECUTED, but a result is PARTIAL or NOT_PERFORMED")
        if outcome is ExecutionOutcome.PARTIALLY_EXECUTED and all(
            s is MeasureStatus.NOT_PERFORMED for s in statuses
        ):
            raise OUTCOME.violation("PARTIALLY_EXECUTED, but no measure was performed")
        if outcome is ExecutionOutcome.NOT_EXECUTABLE:
            if any(s is not MeasureStatus.NOT_PERFORMED for s in statuses):
                raise OUTCOME.violation("NOT_EXECUTABLE, but a measure was performed")
            if self.explanation is None:
                raise NOT_EXECUTABLE_EXPLANATION.violation()

    def check_body_against_header(self, header: Header) -> None:
        attached = {attachment.sha256 for attachment in header.attachments}
        for index, result in enumerate(self.results):
            here = f"results[{index}]"
            if result.executed_at is not None and result.executed_at > header.sent_at:
                raise at(RESULT_PERFORMANCE, f"{here}.executed_at", "after the report was sent")
            for number, item in enumerate(result.evidence_items):
                if item.delivery is EvidenceDelivery.ATTACHED and item.sha256 not in attached:
                    raise at(EVIDENCE_ATTACHED, f"{here}.evidence_items[{number}].sha256")

    def completed_measure_ids(self) -> frozenset[str]:
        """The measures this report finishes (COMPLETED or SUBSTITUTED)."""
        return frozenset(r.measure_id for r in self.results if r.status in DONE_STATUSES)
