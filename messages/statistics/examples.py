"""Sample releases from Paraguay's statistics office to the region (through Argentina's node).

1. The 2025 origin → destination table under differential privacy (Laplace, public keys), with
   suppressed and noisy cells, then a revision after late records arrived.
2. The 2025 table of detected victims by form of exploitation, sex and age under k = 11 with
   rounding to 5, then its retraction after a differencing risk was found.
3. A quarterly table of assistance rendered under the Gaussian mechanism (approximate DP).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from messages.document import Document
from messages.header import Handling, LegalBasisRef, NodeAuthority
from messages.samples import Conversation, sample_date, sample_time
from messages.statistics.models import (
    AggregateRelease,
    BudgetLedger,
    Cell,
    CellKeyPart,
    ReleaseMethod,
    ReportingPeriod,
)
from messages.statistics.vocab import (
    TABLE_DIMENSIONS,
    Caveat,
    CellStatus,
    ChangeReason,
    Granularity,
    MethodKind,
    ReleaseKind,
    TableId,
)
from messages.vocab import AuthorityRole, Classification, LegalBasis, UseLimitation

PY_STATS = NodeAuthority(state="PY", authority_id="PY-INE", role=AuthorityRole.STATS_OFFICE)
AR_STATS = NodeAuthority(state="AR", authority_id="AR-INDEC", role=AuthorityRole.STATS_OFFICE)

YEAR_2025 = ReportingPeriod(
    start=date(2025, 1, 1), end=date(2025, 12, 31), granularity=Granularity.YEAR
)
Q4_2025 = ReportingPeriod(
    start=date(2025, 10, 1), end=date(2025, 12, 31), granularity=Granularity.QUARTER
)
SUPPRESSED = None  # the value of a suppressed cell

CellRow = tuple[tuple[str, ...], int | None]


def _conversation(name: str, case_ref: str) -> Conversation:
    return Conversation(
        name=name,
        case_ref=case_ref,
        opener=PY_STATS,
        counterpart=AR_STATS,
        legal_basis=[LegalBasisRef(basis=LegalBasis.DOMESTIC_LAW)],
        classification=Classification.RESTRICTED,
        handling=Handling(
            use_limitation=UseLimitation.STATISTICS_ONLY,
            no_onward_transmission=False,
            need_to_know_roles=[AuthorityRole.STATS_OFFICE],
            retention_until=sample_date(365 * 10),
        ),
        language="es",
    )


def _cells(
    table: TableId,
    rows: list[CellRow],
    *,
    noisy_ci: str | None,
    exact: frozenset[tuple[str, ...]] = frozenset(),
) -> list[Cell]:
    """Cells of ``table``; a None value is suppressed; noisy cells get ``noisy_ci``; the keys in
    ``exact`` were already multiples of the rounding base (PUBLISHED), the others ROUNDED."""
    cells = []
    for key, value in rows:
        if value is None:
            status = CellStatus.SUPPRESSED
        elif noisy_ci is not None:
            status = CellStatus.NOISY
        else:
            status = CellStatus.PUBLISHED if key in exact else CellStatus.ROUNDED
        cells.append(
            Cell(
                key=[
                    CellKeyPart(dimension=dimension, value=part)
                    for dimension, part in zip(TABLE_DIMENSIONS[table], key, strict=True)
                ],
                value=value,
                status=status,
                ci95_halfwidth=Decimal(noisy_ci) if value is not None and noisy_ci else None,
            )
        )
    return cells


ROUTES = TableId.ROUTE_ORIGIN_DESTINATION
ROUTE_ROWS_2025: list[CellRow] = [
    (("PY", "AR", "SEXUAL_EXPLOITATION"), 45),
    (("PY", "AR", "FORCED_LABOUR_OR_SERVICES"), 20),
    (("PY", "PY", "SEXUAL_EXPLOITATION"), 65),
    (("PY", "PY", "FORCED_LABOUR_OR_SERVICES"), 30),
    (("PY", "PY", "DOMESTIC_SERVITUDE"), 15),
    (("PY", "ES", "SEXUAL_EXPLOITATION"), 30),
    (("PY", "OTHER:M49-005", "ALL"), 15),
    (("BO", "PY", "FORCED_LABOUR_OR_SERVICES"), SUPPRESSED),
    (("BR", "PY", "SEXUAL_EXPLOITATION"), SUPPRESSED),
]
ROUTE_ROWS_2025_REVISED: list[CellRow] = [
    (("PY", "AR", "SEXUAL_EXPLOITATION"), 50),
    (("PY", "AR", "FORCED_LABOUR_OR_SERVICES"), 25),
    (("PY", "PY", "SEXUAL_EXPLOITATION"), 65),
    (("PY", "PY", "FORCED_LABOUR_OR_SERVICES"), 35),
    (("PY", "PY", "DOMESTIC_SERVITUDE"), 15),
    (("PY", "ES", "SEXUAL_EXPLOITATION"), 30),
    (("PY", "OTHER:M49-005", "ALL"), 20),
    (("BO", "PY", "FORCED_LABOUR_OR_SERVICES"), 15),
    (("BR", "PY", "SEXUAL_EXPLOITATION"), SUPPRESSED),
]
ROUTE_CAVEATS = [
    Caveat.DETECTED_VICTIMS_NOT_PREVALENCE,
    Caveat.LEGS_RELEASED_SEPARATELY,
    Caveat.NOISE_ADDED,
    Caveat.SMALL_CELLS_SUPPRESSED,
]


def _laplace(epsilon: str) -> ReleaseMethod:
    return ReleaseMethod(
        kind=MethodKind.DP_LAPLACE,
        k=11,
        rounding_base=5,
        epsilon=Decimal(epsilon),
        library="opendp",
        library_version="0.12.1",
        keys_public=True,
    )


def routes_case() -> list[Document[Any]]:
    """The 2025 route table, published under DP and revised after late records."""
    conv = _conversation("stats-py-routes-2025", "PY-INE-TIP-2025-ROD")
    first = conv.message(
        AggregateRelease(
            release_id="PY-INE-TIP-2025-ROD-1",
            release_kind=ReleaseKind.INITIAL,
            reporting_state="PY",
            period=YEAR_2025,
            table_id=ROUTES,
            dimensions=list(TABLE_DIMENSIONS[ROUTES]),
            cells=_cells(ROUTES, ROUTE_ROWS_2025, noisy_ci="9"),
            method=_laplace("0.25"),
            budget_ledger=BudgetLedger(
                budget_year=2026,
                period_epsilon_spent=Decimal("0.25"),
                period_epsilon_cap=Decimal("1"),
            ),
            caveats=[*ROUTE_CAVEATS, Caveat.PROVISIONAL_DATA],
            protected_persons_excluded=True,
        ),
        at=sample_time(30),
    )
    conv.message(
        AggregateRelease(
            release_id="PY-INE-TIP-2025-ROD-2",
            release_kind=ReleaseKind.REVISION,
            reporting_state="PY",
            period=YEAR_2025,
            table_id=ROUTES,
            dimensions=list(TABLE_DIMENSIONS[ROUTES]),
            cells=_cells(ROUTES, ROUTE_ROWS_2025_REVISED, noisy_ci="9"),
            method=_laplace("0.25"),
            budget_ledger=BudgetLedger(
                budget_year=2026,
                period_epsilon_spent=Decimal("0.6"),
                period_epsilon_cap=Decimal("1"),
            ),
            caveats=ROUTE_CAVEATS,
            protected_persons_excluded=True,
            supersedes="PY-INE-TIP-2025-ROD-1",
            change_reason=ChangeReason.LATE_DATA,
        ),
        at=sample_time(120),
        reply_to=first,
    )
    return conv.documents


VICTIMS = TableId.VICTIMS_BY_EXPLOITATION_SEX_AGE
VICTIM_ROWS_2025: list[CellRow] = [
    (("SEXUAL_EXPLOITATION", "FEMALE", "ADULT"), 85),
    (("SEXUAL_EXPLOITATION", "FEMALE", "CHILD"), 25),
    (("SEXUAL_EXPLOITATION", "MALE", "ADULT"), SUPPRESSED),
    (("SEXUAL_EXPLOITATION", "MALE", "CHILD"), SUPPRESSED),
    (("FORCED_LABOUR_OR_SERVICES", "MALE", "ADULT"), 40),
    (("FORCED_LABOUR_OR_SERVICES", "FEMALE", "ADULT"), 15),
    (("FORCED_LABOUR_OR_SERVICES", "MALE", "CHILD"), SUPPRESSED),
    (("DOMESTIC_SERVITUDE", "FEMALE", "ADULT"), 20),
    (("DOMESTIC_SERVITUDE", "FEMALE", "CHILD"), SUPPRESSED),
    (("ALL", "ALL", "ALL"), 215),
]


def victims_case() -> list[Document[Any]]:
    """The 2025 victims table under k = 11 with rounding, later retracted."""
    conv = _conversation("stats-py-victims-2025", "PY-INE-TIP-2025-VES")
    first = conv.message(
        AggregateRelease(
            release_id="PY-INE-TIP-2025-VES-1",
            release_kind=ReleaseKind.INITIAL,
            reporting_state="PY",
            period=YEAR_2025,
            table_id=VICTIMS,
            dimensions=list(TABLE_DIMENSIONS[VICTIMS]),
            cells=_cells(
                VICTIMS,
                VICTIM_ROWS_2025,
                noisy_ci=None,
                exact=frozenset({("FORCED_LABOUR_OR_SERVICES", "MALE", "ADULT")}),
            ),
            method=ReleaseMethod(
                kind=MethodKind.K_THRESHOLD,
                k=11,
                rounding_base=5,
                library="puente-aggregates",
                library_version="1.0.0",
                keys_public=True,
            ),
            budget_ledger=BudgetLedger(
                budget_year=2026,
                period_epsilon_spent=Decimal("0.5"),
                period_epsilon_cap=Decimal("1"),
            ),
            caveats=[
                Caveat.DETECTED_VICTIMS_NOT_PREVALENCE,
                Caveat.SMALL_CELLS_SUPPRESSED,
                Caveat.COUNTS_ROUNDED_DOWN,
                Caveat.PARTIAL_COVERAGE,
            ],
            protected_persons_excluded=True,
        ),
        at=sample_time(31),
    )
    conv.message(
        AggregateRelease(
            release_id="PY-INE-TIP-2025-VES-1-RETRACTION",
            release_kind=ReleaseKind.RETRACTION,
            reporting_state="PY",
            period=YEAR_2025,
            table_id=VICTIMS,
            dimensions=list(TABLE_DIMENSIONS[VICTIMS]),
            protected_persons_excluded=True,
            supersedes="PY-INE-TIP-2025-VES-1",
            change_reason=ChangeReason.PRIVACY_RISK,
        ),
        at=sample_time(45),
        reply_to=first,
    )
    return conv.documents


ASSISTANCE = TableId.ASSISTANCE_RENDERED
ASSISTANCE_ROWS_Q4: list[CellRow] = [
    (("SHELTER", "FEMALE", "ADULT"), 35),
    (("SHELTER", "FEMALE", "CHILD"), 12),
    (("PSYCHOSOCIAL", "FEMALE", "ADULT"), 48),
    (("PSYCHOSOCIAL", "MALE", "ADULT"), 14),
    (("LEGAL_AID", "FEMALE", "ADULT"), 29),
    (("DOCUMENTATION", "MALE", "ADULT"), SUPPRESSED),
    (("MEDICAL", "FEMALE", "CHILD"), SUPPRESSED),
]


def assistance_case() -> list[Document[Any]]:
    """A quarterly assistance table under the Gaussian mechanism."""
    conv = _conversation("stats-py-assistance-2025q4", "PY-INE-TIP-2025Q4-ASR")
    conv.message(
        AggregateRelease(
            release_id="PY-INE-TIP-2025Q4-ASR-1",
            release_kind=ReleaseKind.INITIAL,
            reporting_state="PY",
            period=Q4_2025,
            table_id=ASSISTANCE,
            dimensions=list(TABLE_DIMENSIONS[ASSISTANCE]),
            cells=_cells(ASSISTANCE, ASSISTANCE_ROWS_Q4, noisy_ci="6.4"),
            method=ReleaseMethod(
                kind=MethodKind.DP_GAUSSIAN,
                k=11,
                rounding_base=1,
                epsilon=Decimal("0.1"),
                delta=Decimal("0.000001"),
                rho=Decimal("0.00125"),
                library="opendp",
                library_version="0.12.1",
                keys_public=True,
            ),
            budget_ledger=BudgetLedger(
                budget_year=2026,
                period_epsilon_spent=Decimal("0.5"),
                period_epsilon_cap=Decimal("1"),
            ),
            caveats=[
                Caveat.DETECTED_VICTIMS_NOT_PREVALENCE,
                Caveat.NOISE_ADDED,
                Caveat.SMALL_CELLS_SUPPRESSED,
                Caveat.PROVISIONAL_DATA,
            ],
            protected_persons_excluded=True,
        ),
        at=sample_time(35),
    )
    return conv.documents


def example_conversations() -> list[list[Document[Any]]]:
    """The sample releases, each a list of documents that applies cleanly in order."""
    return [routes_case(), victims_case(), assistance_case()]


def examples() -> list[Document[Any]]:
    """Every sample document; the first is the published example of AggregateRelease."""
    return [document for conversation in example_conversations() for document in conversation]
