"""The statistics family's one message: a privacy-protected aggregate release (domain model
A.6, A.7).

Microdata never leaves the national node; a release carries only aggregate counts protected by
a k-threshold with rounding, or by differential privacy, with the method, the privacy budget
spent and the caveats needed to read it. It holds no personal data and no sealed section.
Witness-protection persons are excluded before aggregation (A.5 rule 7).

Retractions and revisions are releases too: a REVISION supersedes an earlier release with new
figures; a RETRACTION supersedes one with none.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, ClassVar, Final

from pydantic import Field, StringConstraints, model_validator

from messages.base import WireModel
from messages.document import Body
from messages.header import Header
from messages.statistics import rules
from messages.statistics.vocab import (
    DP_METHODS,
    K_METHODS,
    STATUSES_OF_METHOD,
    TABLE_DIMENSIONS,
    Caveat,
    CellStatus,
    ChangeReason,
    Granularity,
    MethodKind,
    ReleaseKind,
    StatsDimension,
    TableId,
    is_value_of,
)
from messages.types import CalendarDate, Count, DecimalString, Identifier, SemVer, StateCode
from messages.vocab import AuthorityRole, Family, MessageType

MAX_CELLS: Final = 20_000
QUARTER_ENDS: Final = {1: (3, 31), 4: (6, 30), 7: (9, 30), 10: (12, 31)}
"""First month of each calendar quarter -> (month, day) of its last day."""
MAX_TABLE_DIMENSIONS: Final = 3
"""At most 3 dimensions per table (A.6 policy 2)."""

DimensionValue = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[A-Z0-9][A-Z0-9_:-]{0,47}$", max_length=48),
]
"""A value of a dimension: a code of the dimension's vocabulary (e.g. FEMALE, PY, PY-ASU,
OTHER:M49-005, ALL). Which codes each dimension admits is checked against the release."""


def _check_unique(values: Iterable[object], field: str) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise rules.UNIQUE_CODES.violation(f"{field}: {value} is listed twice")
        seen.add(value)


class ReportingPeriod(WireModel):
    """The period the figures cover: a calendar year or quarter, first and last day."""

    start: CalendarDate
    end: CalendarDate
    """The last day of the period (inclusive)."""
    granularity: Granularity

    @model_validator(mode="after")
    def _calendar(self) -> ReportingPeriod:
        if self.granularity is Granularity.YEAR:
            last_day: tuple[int, int] | None = (12, 31) if self.start.month == 1 else None
        else:
            last_day = QUARTER_ENDS.get(self.start.month)
        aligned = self.start.day == 1 and (self.end.month, self.end.day) == last_day
        if not aligned or self.start.year != self.end.year:
            raise rules.CALENDAR_PERIOD.violation(
                f"{self.start} to {self.end} is not one calendar {self.granularity.lower()}"
            )
        return self


class CellKeyPart(WireModel):
    """One coordinate of a cell: a dimension and its value."""

    dimension: StatsDimension
    value: DimensionValue


class Cell(WireModel):
    """One published count."""

    key: list[CellKeyPart] = Field(min_length=1, max_length=len(StatsDimension))
    """The cell's coordinates, one per dimension of the release, in the release's order."""
    value: Count | None = None
    """The count; absent when the cell is SUPPRESSED."""
    status: CellStatus
    ci95_halfwidth: DecimalString | None = None
    """For a NOISY cell: half-width of the 95% confidence interval of the count."""

    @model_validator(mode="after")
    def _value_and_accuracy(self) -> Cell:
        suppressed = self.status is CellStatus.SUPPRESSED
        if suppressed != (self.value is None):
            raise rules.SUPPRESSED_NULL.violation(
                f"a {self.status} cell {'has a' if suppressed else 'has no'} value"
            )
        noisy = self.status is CellStatus.NOISY
        if noisy != (self.ci95_halfwidth is not None) or (
            self.ci95_halfwidth is not None and self.ci95_halfwidth < 0
        ):
            raise rules.NOISY_ACCURACY.violation(f"in a {self.status} cell")
        return self

    @property
    def coordinates(self) -> tuple[tuple[StatsDimension, str], ...]:
        return tuple((part.dimension, part.value) for part in self.key)


class ReleaseMethod(WireModel):
    """How the figures were protected (A.6 policy 1, 3, 4)."""

    kind: MethodKind
    k: int = Field(ge=1, le=1_000)
    """The minimum publishable count."""
    rounding_base: int = Field(ge=1, le=1_000)
    """Counts are rounded down to a multiple of this base (SDS reporting resolution)."""
    epsilon: DecimalString | None = None
    """The ε this release spends (differentially private methods)."""
    delta: DecimalString | None = None
    """δ of an approximate-DP guarantee."""
    rho: DecimalString | None = None
    """ρ of a zero-concentrated DP guarantee (OpenDP's Gaussian mechanism), if stated."""
    library: Identifier
    """The library that produced the figures, e.g. 'opendp', 'synthetic-data-showcase'."""
    library_version: SemVer
    keys_public: bool
    """The set of keys was declared public (OpenDP Margin invariant='keys'), e.g. the ISO
    country list and the exploitation vocabulary; otherwise keys were released by a
    thresholded, approximate-DP mechanism."""

    @model_validator(mode="after")
    def _parameters(self) -> ReleaseMethod:
        if self.k < 11:
            raise rules.K_MINIMUM.violation(f"k is {self.k}")
        if self.kind in K_METHODS and self.rounding_base < 5:
            raise rules.ROUNDING_BASE.violation(f"rounding_base is {self.rounding_base}")
        dp = self.kind in DP_METHODS
        if dp and (self.epsilon is None or self.epsilon <= 0):
            raise rules.DP_EPSILON.violation(f"{self.kind} needs ε > 0")
        if not dp and (self.epsilon, self.delta, self.rho) != (None, None, None):
            raise rules.DP_EPSILON.violation(f"{self.kind} is not differentially private")
        if self.delta is not None and not 0 < self.delta < 1:
            raise rules.DP_DELTA.violation(f"δ is {self.delta}")
        if self.rho is not None and self.rho <= 0:
            raise rules.DP_DELTA.violation(f"ρ (method.rho) is {self.rho}")
        approximate = self.kind is MethodKind.DP_GAUSSIAN or (
            self.kind is MethodKind.DP_LAPLACE and not self.keys_public
        )
        if approximate and self.delta is None:
            raise rules.DP_DELTA.violation(f"{self.kind} with these keys needs δ")
        return self

    @property
    def release_epsilon(self) -> Decimal:
        """The ε this release charges to the budget (0 for k-anonymous methods)."""
        return self.epsilon if self.epsilon is not None else Decimal(0)


class BudgetLedger(WireModel):
    """The reporting state's privacy budget for the period (A.7 budget-ledger rule)."""

    budget_year: int = Field(ge=2000, le=2100)
    """The budget period (a calendar year) this release is charged to."""
    period_epsilon_spent: DecimalString
    """ε already spent in the budget period by earlier releases, all tables together."""
    period_epsilon_cap: DecimalString
    """The ε cap of the budget period (proposal: at most 1 per state per year)."""

    @model_validator(mode="after")
    def _within_cap(self) -> BudgetLedger:
        spent, cap = self.period_epsilon_spent, self.period_epsilon_cap
        if not (spent >= 0 and cap > 0 and spent <= cap):
            raise rules.BUDGET_WITHIN_CAP.violation(f"spent {spent} with a cap of {cap}")
        return self


class AggregateRelease(Body):
    """A national node's release of one privacy-protected table to the region (A.6)."""

    FAMILY: ClassVar = Family.STATISTICS
    MESSAGE_TYPE: ClassVar = MessageType.AGGREGATE_RELEASE

    release_id: Identifier
    """Unique id of this release, e.g. 'PY-INE-TIP-2025-ROD-1'."""
    release_kind: ReleaseKind
    reporting_state: StateCode
    period: ReportingPeriod
    table_id: TableId
    dimensions: list[StatsDimension] = Field(min_length=1, max_length=len(StatsDimension))
    """The table's dimensions in this release, at most 3 (A.6 policy 2)."""
    cells: list[Cell] = Field(default_factory=list, max_length=MAX_CELLS)
    method: ReleaseMethod | None = None
    """Required unless the release is a RETRACTION."""
    budget_ledger: BudgetLedger | None = None
    """Required unless the release is a RETRACTION."""
    caveats: list[Caveat] = Field(default_factory=list, max_length=len(Caveat))
    protected_persons_excluded: bool
    """Persons in a witness-protection programme were removed before aggregation (always
    true: A.5 rule 7)."""
    supersedes: Identifier | None = None
    """The release this one revises or retracts."""
    change_reason: ChangeReason | None = None
    """Why the superseded release is revised or retracted."""

    @model_validator(mode="after")
    def _rules(self) -> AggregateRelease:
        self._check_table()
        self._check_kind()
        if self.method is not None:
            self._check_cells(self.method)
        _check_unique(self.caveats, "caveats")
        if self.release_kind is not ReleaseKind.RETRACTION and (
            Caveat.DETECTED_VICTIMS_NOT_PREVALENCE not in self.caveats
        ):
            raise rules.PREVALENCE_CAVEAT.violation()
        if not self.protected_persons_excluded:
            raise rules.PROTECTED_PERSONS_EXCLUDED.violation()
        return self

    def _check_table(self) -> None:
        if len(self.dimensions) > MAX_TABLE_DIMENSIONS:
            raise rules.MAX_DIMENSIONS.violation(f"{len(self.dimensions)} dimensions")
        _check_unique(self.dimensions, "dimensions")
        design = TABLE_DIMENSIONS[self.table_id]
        if [d for d in design if d in self.dimensions] != self.dimensions:
            raise rules.DESIGN_DIMENSIONS.violation(
                f"{self.table_id} has the dimensions {', '.join(design)}"
            )

    def _check_kind(self) -> None:
        initial = self.release_kind is ReleaseKind.INITIAL
        if initial != (self.supersedes is None) or initial != (self.change_reason is None):
            raise rules.RELEASE_KIND.violation(f"in a {self.release_kind} release")
        if self.supersedes == self.release_id:
            raise rules.RELEASE_KIND.violation("a release cannot supersede itself")
        retraction = self.release_kind is ReleaseKind.RETRACTION
        parts = (bool(self.cells), self.method is not None, self.budget_ledger is not None)
        if parts != (not retraction,) * 3:
            raise rules.RETRACTION_CONTENT.violation(f"in a {self.release_kind} release")

    def _check_cells(self, method: ReleaseMethod) -> None:
        seen: set[tuple[tuple[StatsDimension, str], ...]] = set()
        allowed_statuses = STATUSES_OF_METHOD[method.kind]
        for index, cell in enumerate(self.cells):
            where = f"cells[{index}]"
            if [part.dimension for part in cell.key] != self.dimensions:
                raise rules.CELL_KEYS.violation(f"{where} does not name the release's dimensions")
            for part in cell.key:
                if not is_value_of(part.dimension, part.value, self.reporting_state):
                    raise rules.CELL_KEYS.violation(
                        f"{where}: {part.value} is not a value of {part.dimension}"
                    )
            if cell.coordinates in seen:
                raise rules.CELL_KEYS.violation(f"{where} repeats the key of an earlier cell")
            seen.add(cell.coordinates)
            if cell.status not in allowed_statuses:
                raise rules.STATUS_METHOD.violation(f"{where} is {cell.status} in {method.kind}")
            if cell.value is None:
                continue
            if cell.value < method.k:
                raise rules.K_THRESHOLD.violation(f"{where} is below k = {method.k}")
            rounded = method.kind in K_METHODS or cell.status is CellStatus.ROUNDED
            if rounded and cell.value % method.rounding_base:
                raise rules.ROUNDING.violation(
                    f"{where} is not a multiple of {method.rounding_base}"
                )

    def check_header(self, header: Header) -> None:
        if (
            header.sender.state != self.reporting_state
            or header.sender.role is not AuthorityRole.STATS_OFFICE
        ):
            raise rules.REPORTING_STATE.violation(
                f"sent by {header.sender.state}'s {header.sender.role} for {self.reporting_state}"
            )


BODIES: Final[tuple[type[Body], ...]] = (AggregateRelease,)
