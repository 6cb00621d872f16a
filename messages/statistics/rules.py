"""The privacy and design rules of the statistics family, declared once.

The thresholds (k = 11, rounding, at most 3 dimensions, the ε budget) are Puente's *proposal*
(domain model A.6), resting on CTDC practice (k = 11), Microsoft's Synthetic Data Showcase
(reporting resolution and length) and OpenDP; they are not law.
"""

from __future__ import annotations

from typing import Final

from messages.rules import LegalRule
from messages.vocab import MessageType

RELEASE = (MessageType.AGGREGATE_RELEASE,)
_A6 = "domain model A.6 (proposal)"

MAX_DIMENSIONS = LegalRule(
    "stats.table.max-dimensions",
    RELEASE,
    "dimensions",
    "a table has at most 3 dimensions",
    f"{_A6} policy 2; SDS reporting_length",
)
DESIGN_DIMENSIONS = LegalRule(
    "stats.table.design-dimensions",
    RELEASE,
    "dimensions",
    "the dimensions are drawn from the table design's, each once and in the design's order",
    f"{_A6} policy 2 (table design)",
)
CELL_KEYS = LegalRule(
    "stats.cells.keys",
    RELEASE,
    "cells[].key",
    "every cell key names exactly the release's dimensions, in order, with values from each "
    "dimension's controlled vocabulary, and no two cells share a key",
    f"{_A6} (AggregateRelease cells)",
)
K_MINIMUM = LegalRule(
    "stats.method.k-minimum",
    RELEASE,
    "method.k",
    "the minimum publishable count k is at least 11",
    f"{_A6} policy 1; CTDC k=11; SDS reporting_resolution",
)
K_THRESHOLD = LegalRule(
    "stats.cells.k-threshold",
    RELEASE,
    "cells[].value",
    "nothing below k leaves the node: every value published is at least k (noisy counts "
    "included, as free post-processing)",
    f"{_A6} policy 1, 3; CTDC k=11; SDS",
)
ROUNDING_BASE = LegalRule(
    "stats.method.rounding-base",
    RELEASE,
    "method.rounding_base",
    "k-anonymous releases (K_THRESHOLD, SYNTHETIC_K) round counts down to a base of at least 5",
    f"{_A6} policy 1; SDS reporting_resolution",
)
ROUNDING = LegalRule(
    "stats.cells.rounding",
    RELEASE,
    "cells[].value",
    "in a K_THRESHOLD or SYNTHETIC_K release, and in every ROUNDED cell, the value is a "
    "multiple of the rounding base",
    f"{_A6} policy 1; SDS (counts rounded down to multiples of the resolution)",
)
SUPPRESSED_NULL = LegalRule(
    "stats.cells.suppressed-null",
    RELEASE,
    "cells[].value",
    "a SUPPRESSED cell has no value; every other cell has one",
    f"{_A6} policy 1; CTDC k=11",
)
STATUS_METHOD = LegalRule(
    "stats.cells.status-of-method",
    RELEASE,
    "cells[].status",
    "differentially private releases have NOISY or SUPPRESSED cells; k-anonymous releases "
    "have PUBLISHED, ROUNDED or SUPPRESSED cells",
    f"{_A6} policy 1, 3",
)
NOISY_ACCURACY = LegalRule(
    "stats.cells.noisy-accuracy",
    RELEASE,
    "cells[].ci95_halfwidth",
    "a NOISY cell reports the half-width of its 95% confidence interval (not negative); "
    "exact and suppressed cells report none",
    f"{_A6} policy 3 (OpenDP summarize_polars_measurement, alpha=.05)",
)
DP_EPSILON = LegalRule(
    "stats.method.dp-epsilon",
    RELEASE,
    "method.epsilon",
    "differentially private methods (DP_LAPLACE, DP_GAUSSIAN, SYNTHETIC_DP) state ε > 0; "
    "k-anonymous methods state no ε, δ or ρ",
    f"{_A6} policy 3; OpenDP",
)
DP_DELTA = LegalRule(
    "stats.method.dp-delta",
    RELEASE,
    "method.delta",
    "δ, when given, is in (0, 1); DP_GAUSSIAN, and DP_LAPLACE over keys that are not public "
    "(a thresholded release), are approximate DP and state δ; ρ, when given, is > 0",
    f"{_A6} policy 3 (OpenDP thresholded release, δ > 0)",
)
BUDGET_WITHIN_CAP = LegalRule(
    "stats.budget.within-cap",
    RELEASE,
    "budget_ledger.period_epsilon_spent",
    "the ε spent in the budget period before this release is not negative and does not exceed "
    "the cap, which is positive (the lifecycle also refuses a release whose own ε would "
    "exceed the cap)",
    "domain model A.7 (budget-ledger rule); A.6 policy 3 (proposal: ε ≤ 1 per state per year)",
)
PREVALENCE_CAVEAT = LegalRule(
    "stats.caveats.prevalence",
    RELEASE,
    "caveats",
    "a release with figures carries the caveat DETECTED_VICTIMS_NOT_PREVALENCE",
    "SDG 16.2.2 metadata 4.b; domain model A.6",
)
PROTECTED_PERSONS_EXCLUDED = LegalRule(
    "stats.population.protected-persons-excluded",
    RELEASE,
    "protected_persons_excluded",
    "persons in a witness-protection programme are excluded from every release "
    "(protected_persons_excluded is true)",
    "domain model A.5 rule 7, A.6 policy 5",
)
CALENDAR_PERIOD = LegalRule(
    "stats.period.calendar",
    RELEASE,
    "period",
    "a YEAR period is one calendar year and a QUARTER one calendar quarter, first to last day",
    f"{_A6} policy 2 (time at year level)",
)
RELEASE_KIND = LegalRule(
    "stats.release.kind",
    RELEASE,
    "supersedes",
    "an INITIAL release supersedes nothing and gives no change reason; a REVISION or "
    "RETRACTION names the other release it supersedes and the change reason",
    "domain model A.7 (REVISED, RETRACTED)",
)
RETRACTION_CONTENT = LegalRule(
    "stats.release.retraction-content",
    RELEASE,
    "cells",
    "a RETRACTION carries no cells, method or budget ledger; an INITIAL or REVISION release "
    "carries at least one cell, its method and its budget ledger",
    "domain model A.7 (RETRACTED)",
)
REPORTING_STATE = LegalRule(
    "stats.header.reporting-state",
    RELEASE,
    "reporting_state",
    "the reporting state's own statistics office sends its releases (header.sender is the "
    "reporting state's STATS_OFFICE)",
    "domain model A.6 (national node → region), A.7 (approved by the national statistics office)",
)
UNIQUE_CODES = LegalRule(
    "stats.lists.unique",
    RELEASE,
    "(lists of codes)",
    "a code appears at most once in a list",
    "design",
)

LEGAL_RULES: Final[tuple[LegalRule, ...]] = (
    MAX_DIMENSIONS,
    DESIGN_DIMENSIONS,
    CELL_KEYS,
    K_MINIMUM,
    K_THRESHOLD,
    ROUNDING_BASE,
    ROUNDING,
    SUPPRESSED_NULL,
    STATUS_METHOD,
    NOISY_ACCURACY,
    DP_EPSILON,
    DP_DELTA,
    BUDGET_WITHIN_CAP,
    PREVALENCE_CAVEAT,
    PROTECTED_PERSONS_EXCLUDED,
    CALENDAR_PERIOD,
    RELEASE_KIND,
    RETRACTION_CONTENT,
    REPORTING_STATE,
    UNIQUE_CODES,
)
