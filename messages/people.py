"""Vocabularies about persons that several families share: one list each, so that a case
record, a message and a statistical table say the same thing with the same code (domain model
A.4 and A.6: the statistics record reuses the case vocabularies)."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    """Sex as recorded in a person's documents or declared; the statistics use the same codes
    (HTCDS gender categories, with OTHER for a document's non-binary marker)."""

    FEMALE = "FEMALE"
    MALE = "MALE"
    TRANSGENDER_NONCONFORMING = "TRANSGENDER_NONCONFORMING"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


class AgeGroup(StrEnum):
    """A person's age group: CHILD is under 18. An exact age or date of birth lives only in a
    sealed identity; regional tables use these groups only (domain model A.6, policy 2)."""

    CHILD = "CHILD"
    ADULT = "ADULT"
    UNKNOWN = "UNKNOWN"
    """Age not yet established (e.g. no document and an age assessment pending)."""


class ExploitationForm(StrEnum):
    """Purpose of exploitation: TIP Protocol art. 3(a) minimum list plus GLOTIP and CTDC
    extensions (domain model A.2)."""

    SEXUAL_EXPLOITATION = "SEXUAL_EXPLOITATION"
    FORCED_LABOUR_OR_SERVICES = "FORCED_LABOUR_OR_SERVICES"
    DOMESTIC_SERVITUDE = "DOMESTIC_SERVITUDE"
    """A sub-type of servitude or forced labour (CTDC ``typeOfLabourDomesticWork``)."""
    SLAVERY_OR_SIMILAR_PRACTICES = "SLAVERY_OR_SIMILAR_PRACTICES"
    SERVITUDE = "SERVITUDE"
    ORGAN_REMOVAL = "ORGAN_REMOVAL"
    FORCED_MARRIAGE = "FORCED_MARRIAGE"
    FORCED_CRIMINALITY = "FORCED_CRIMINALITY"
    BEGGING = "BEGGING"
    ILLEGAL_ADOPTION = "ILLEGAL_ADOPTION"
    CHILD_SOLDIERS = "CHILD_SOLDIERS"
    MIXED = "MIXED"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"
    """Not (yet) established; used in statistics and early in an investigation."""


class AssistanceType(StrEnum):
    """Assistance given to a victim (IOM Direct Assistance Handbook chapters and the AVRR stages;
    a proposal, domain model A.4 and B.8; shared with the statistics record, A.6)."""

    SHELTER = "SHELTER"
    MEDICAL = "MEDICAL"
    PSYCHOSOCIAL = "PSYCHOSOCIAL"
    LEGAL_AID = "LEGAL_AID"
    INTERPRETATION = "INTERPRETATION"
    DOCUMENTATION = "DOCUMENTATION"
    EDUCATION = "EDUCATION"
    VOCATIONAL = "VOCATIONAL"
    INCOME_GENERATION = "INCOME_GENERATION"
    CASH_OR_IN_KIND = "CASH_OR_IN_KIND"
    FAMILY_TRACING_MEDIATION = "FAMILY_TRACING_MEDIATION"
    CHILDCARE = "CHILDCARE"
    OTHER = "OTHER"


class InstitutionType(StrEnum):
    """The HTCDS organisation types, plus SHELTER, IOM_OR_UN and CONSULAR_POST (domain model
    A.4; shared with the statistics record, A.6)."""

    NGO = "NGO"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    HEALTH_SERVICE_ORGANISATION = "HEALTH_SERVICE_ORGANISATION"
    CENTRAL_GOVERNMENT_ORGANISATION = "CENTRAL_GOVERNMENT_ORGANISATION"
    LOCAL_GOVERNMENT_ORGANISATION = "LOCAL_GOVERNMENT_ORGANISATION"
    IMMIGRATION_SERVICE = "IMMIGRATION_SERVICE"
    LEGAL_SERVICE = "LEGAL_SERVICE"
    CORPORATE_BUSINESS = "CORPORATE_BUSINESS"
    SHELTER = "SHELTER"
    IOM_OR_UN = "IOM_OR_UN"
    CONSULAR_POST = "CONSULAR_POST"


class RecoveryStage(StrEnum):
    """Stage of recovery, in order (a proposal, domain model A.4). The last stage is IOM's
    sustainable reintegration: economic self-sufficiency, social stability and psychosocial
    well-being."""

    CRISIS_STABILISATION = "CRISIS_STABILISATION"
    RECOVERY = "RECOVERY"
    REINTEGRATION = "REINTEGRATION"
    SUSTAINABLE_REINTEGRATION = "SUSTAINABLE_REINTEGRATION"
