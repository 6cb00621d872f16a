"""Controlled vocabularies of the statistics family (domain model A.6, B.6).

The table designs and the values of each dimension follow CTDC and HTCDS where they exist
(sex per HTCDS, forms of exploitation per the TIP Protocol and SDG 16.2.2, legs of a route per
HTCDS trafficking events); the assistance and reintegration vocabularies are Puente's proposal
(domain model B.8 item 8).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from messages.countries import ISO_3166_ALPHA2
from messages.people import AgeGroup as AgeGroup
from messages.people import AssistanceType as AssistanceType
from messages.people import ExploitationForm as ExploitationForm
from messages.people import Sex as Sex


class Granularity(StrEnum):
    """The period a release covers: a calendar year or a calendar quarter."""

    YEAR = "YEAR"
    QUARTER = "QUARTER"


class StatsDimension(StrEnum):
    """A dimension of a published table."""

    SEX = "SEX"
    AGE_GROUP = "AGE_GROUP"
    FORM_OF_EXPLOITATION = "FORM_OF_EXPLOITATION"
    CITIZENSHIP = "CITIZENSHIP"
    COUNTRY_OF_EXPLOITATION = "COUNTRY_OF_EXPLOITATION"
    ADMIN1_OF_EXPLOITATION = "ADMIN1_OF_EXPLOITATION"
    LEG_FROM_COUNTRY = "LEG_FROM_COUNTRY"
    LEG_TO_COUNTRY = "LEG_TO_COUNTRY"
    LEG_KIND = "LEG_KIND"
    ASSISTANCE_TYPE = "ASSISTANCE_TYPE"
    REINTEGRATION_OUTCOME = "REINTEGRATION_OUTCOME"
    DATA_SOURCE = "DATA_SOURCE"
    JUSTICE_STAGE = "JUSTICE_STAGE"


class TableId(StrEnum):
    """The table designs a node may publish; each has fixed dimensions (TABLE_DIMENSIONS)."""

    VICTIMS_BY_EXPLOITATION_SEX_AGE = "VICTIMS_BY_EXPLOITATION_SEX_AGE"
    VICTIMS_BY_CITIZENSHIP_SEX_AGE = "VICTIMS_BY_CITIZENSHIP_SEX_AGE"
    ROUTE_ORIGIN_DESTINATION = "ROUTE_ORIGIN_DESTINATION"
    ROUTE_TRANSIT = "ROUTE_TRANSIT"
    INCIDENCE_BY_ADMIN1 = "INCIDENCE_BY_ADMIN1"
    ASSISTANCE_RENDERED = "ASSISTANCE_RENDERED"
    REINTEGRATION_OUTCOME = "REINTEGRATION_OUTCOME"
    VICTIMS_BY_DATA_SOURCE = "VICTIMS_BY_DATA_SOURCE"
    JUSTICE_RESPONSE_BY_SEX_CITIZENSHIP = "JUSTICE_RESPONSE_BY_SEX_CITIZENSHIP"


D = StatsDimension
TABLE_DIMENSIONS: Final[dict[TableId, tuple[StatsDimension, ...]]] = {
    # Detected victims by sex, age and form of exploitation (SDG 16.2.2, GLOTIP).
    TableId.VICTIMS_BY_EXPLOITATION_SEX_AGE: (D.FORM_OF_EXPLOITATION, D.SEX, D.AGE_GROUP),
    TableId.VICTIMS_BY_CITIZENSHIP_SEX_AGE: (D.CITIZENSHIP, D.SEX, D.AGE_GROUP),
    # Origin → destination legs: citizenship → country of exploitation (the CTDC route pair).
    TableId.ROUTE_ORIGIN_DESTINATION: (
        D.CITIZENSHIP,
        D.COUNTRY_OF_EXPLOITATION,
        D.FORM_OF_EXPLOITATION,
    ),
    # Transit legs, released separately from HTCDS-style trafficking events.
    TableId.ROUTE_TRANSIT: (D.LEG_FROM_COUNTRY, D.LEG_TO_COUNTRY, D.LEG_KIND),
    # Areas of greatest incidence: admin-1 level, never crossed with age and citizenship
    # (A.6 policy 5: CHILD × sub-national area × rare nationality is never published).
    TableId.INCIDENCE_BY_ADMIN1: (D.ADMIN1_OF_EXPLOITATION, D.FORM_OF_EXPLOITATION),
    TableId.ASSISTANCE_RENDERED: (D.ASSISTANCE_TYPE, D.SEX, D.AGE_GROUP),
    TableId.REINTEGRATION_OUTCOME: (D.REINTEGRATION_OUTCOME, D.SEX, D.AGE_GROUP),
    TableId.VICTIMS_BY_DATA_SOURCE: (D.DATA_SOURCE, D.FORM_OF_EXPLOITATION),
    # Offences and persons in the justice system (GLOTIP): by sex and citizenship.
    TableId.JUSTICE_RESPONSE_BY_SEX_CITIZENSHIP: (D.JUSTICE_STAGE, D.SEX, D.CITIZENSHIP),
}


class LegKind(StrEnum):
    """The kind of a leg of a route (HTCDS trafficking events: recruitment, transit,
    exploitation)."""

    ORIGIN_TO_TRANSIT = "ORIGIN_TO_TRANSIT"
    TRANSIT_TO_TRANSIT = "TRANSIT_TO_TRANSIT"
    TRANSIT_TO_DESTINATION = "TRANSIT_TO_DESTINATION"


class ReintegrationOutcome(StrEnum):
    """Band of the IOM Reintegration Sustainability Survey composite score, or why none."""

    RSS_HIGH = "RSS_HIGH"
    RSS_MEDIUM = "RSS_MEDIUM"
    RSS_LOW = "RSS_LOW"
    NOT_ASSESSED = "NOT_ASSESSED"
    LOST_TO_FOLLOW_UP = "LOST_TO_FOLLOW_UP"


class DataSource(StrEnum):
    """Which kind of institution recorded the victim (A.6 local record)."""

    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    VICTIM_SERVICES = "VICTIM_SERVICES"
    HOTLINE = "HOTLINE"
    CONSULAR = "CONSULAR"


class JusticeStage(StrEnum):
    """GLOTIP questionnaire counts."""

    OFFENCES_RECORDED = "OFFENCES_RECORDED"
    PERSONS_IN_FORMAL_CONTACT = "PERSONS_IN_FORMAL_CONTACT"
    PERSONS_PROSECUTED = "PERSONS_PROSECUTED"
    PERSONS_CONVICTED = "PERSONS_CONVICTED"


ALL: Final = "ALL"
"""The value of a dimension in a margin (a total over that dimension)."""
UNKNOWN: Final = "UNKNOWN"
OTHER_M49: Final = re.compile(r"^OTHER:M49-[0-9]{3}$")
"""A rest-of-sub-region bucket, e.g. 'OTHER:M49-005' (South America), where suppressed
destinations are folded (A.6 route-map notes)."""
SUBDIVISION: Final = re.compile(r"^(?P<state>[A-Z]{2})-[A-Z0-9]{1,3}$")
"""An ISO 3166-2 subdivision code, e.g. 'PY-ASU'."""

COUNTRY_DIMENSIONS: Final = frozenset(
    {D.CITIZENSHIP, D.COUNTRY_OF_EXPLOITATION, D.LEG_FROM_COUNTRY, D.LEG_TO_COUNTRY}
)
CODED_DIMENSIONS: Final[dict[StatsDimension, type[StrEnum]]] = {
    D.SEX: Sex,
    D.AGE_GROUP: AgeGroup,
    D.FORM_OF_EXPLOITATION: ExploitationForm,
    D.LEG_KIND: LegKind,
    D.ASSISTANCE_TYPE: AssistanceType,
    D.REINTEGRATION_OUTCOME: ReintegrationOutcome,
    D.DATA_SOURCE: DataSource,
    D.JUSTICE_STAGE: JusticeStage,
}


def is_value_of(dimension: StatsDimension, value: str, reporting_state: str) -> bool:
    """Whether ``value`` belongs to the controlled vocabulary of ``dimension``.

    Every dimension admits ALL (a margin); country dimensions take an ISO 3166-1 alpha-2 code,
    UNKNOWN or an 'OTHER:M49-nnn' bucket; the admin-1 dimension takes an ISO 3166-2 code of the
    reporting state or UNKNOWN; the others take their enumeration.
    """
    if value == ALL:
        return True
    if dimension in COUNTRY_DIMENSIONS:
        return value in ISO_3166_ALPHA2 or value == UNKNOWN or bool(OTHER_M49.match(value))
    if dimension is D.ADMIN1_OF_EXPLOITATION:
        match = SUBDIVISION.match(value)
        return value == UNKNOWN or (match is not None and match["state"] == reporting_state)
    return value in {member.value for member in CODED_DIMENSIONS[dimension]}


class CellStatus(StrEnum):
    """How a cell's value was produced (A.6)."""

    PUBLISHED = "PUBLISHED"
    SUPPRESSED = "SUPPRESSED"
    ROUNDED = "ROUNDED"
    NOISY = "NOISY"


class MethodKind(StrEnum):
    """The disclosure-control method of a release (A.6 policy 1, 3, 4)."""

    K_THRESHOLD = "K_THRESHOLD"
    DP_LAPLACE = "DP_LAPLACE"
    DP_GAUSSIAN = "DP_GAUSSIAN"
    SYNTHETIC_K = "SYNTHETIC_K"
    SYNTHETIC_DP = "SYNTHETIC_DP"


DP_METHODS: Final = frozenset(
    {MethodKind.DP_LAPLACE, MethodKind.DP_GAUSSIAN, MethodKind.SYNTHETIC_DP}
)
K_METHODS: Final = frozenset({MethodKind.K_THRESHOLD, MethodKind.SYNTHETIC_K})
STATUSES_OF_METHOD: Final = {
    **{kind: frozenset({CellStatus.NOISY, CellStatus.SUPPRESSED}) for kind in DP_METHODS},
    **{
        kind: frozenset({CellStatus.PUBLISHED, CellStatus.ROUNDED, CellStatus.SUPPRESSED})
        for kind in K_METHODS
    },
}


class Caveat(StrEnum):
    """Caveats that travel with a release and must be shown with its figures."""

    DETECTED_VICTIMS_NOT_PREVALENCE = "DETECTED_VICTIMS_NOT_PREVALENCE"
    """Counts are detected or assisted victims, not prevalence (SDG 16.2.2 metadata 4.b)."""
    LEGS_RELEASED_SEPARATELY = "LEGS_RELEASED_SEPARATELY"
    """Legs of routes are released separately; full paths cannot be reconstructed."""
    SMALL_CELLS_SUPPRESSED = "SMALL_CELLS_SUPPRESSED"
    COUNTS_ROUNDED_DOWN = "COUNTS_ROUNDED_DOWN"
    NOISE_ADDED = "NOISE_ADDED"
    PROVISIONAL_DATA = "PROVISIONAL_DATA"
    PARTIAL_COVERAGE = "PARTIAL_COVERAGE"
    """Not every recording institution of the state contributed."""
    DEFINITIONS_CHANGED = "DEFINITIONS_CHANGED"
    """Definitions or classifications differ from earlier periods."""


class ReleaseKind(StrEnum):
    """A first release, a revision that supersedes an earlier one, or a retraction of one."""

    INITIAL = "INITIAL"
    REVISION = "REVISION"
    RETRACTION = "RETRACTION"


class ChangeReason(StrEnum):
    """Why a release is revised or retracted."""

    LATE_DATA = "LATE_DATA"
    DATA_CORRECTION = "DATA_CORRECTION"
    METHOD_CHANGE = "METHOD_CHANGE"
    CLASSIFICATION_CHANGE = "CLASSIFICATION_CHANGE"
    PRIVACY_RISK = "PRIVACY_RISK"
    DUPLICATE_RELEASE = "DUPLICATE_RELEASE"
