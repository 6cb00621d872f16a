"""Sample witness-protection cases between protection units (fictional people only).

1. Argentina's programme asks Paraguay's to relocate a witness temporarily: more information is
   asked for and supplied, the request is accepted with conditions, the arrangement concluded,
   the person relocated; a threat incident leads to a review; the prosecutor's testimony is
   arranged by video link; protection ends when the proceedings conclude, and the case closes.
2. Colombia asks Paraguay for a permanent relocation; Colombia alerts Paraguay to a new threat
   while the request is assessed; Paraguay declines for lack of capacity.
3. Colombia and Paraguay agree transit protection and testimony support without relocation;
   the host suspends the measures after a breach and terminates them; Colombia confirms.
4. Argentina withdraws a request before any decision; Paraguay confirms the closure.
"""

from __future__ import annotations

from typing import Any

from messages.document import Document
from messages.samples import sample_date, sample_time
from messages.vocab import (
    AuthorityRole,
    Classification,
)
from messages.witness_protection.examples_common import (
    AR_UNIT,
    IMMEDIATE,
    PY_UNIT,
    TESTIMONY_READERS,
    attachment,
    conversation,
    handling,
)
from messages.witness_protection.examples_more import (
    declined_case,
    suspended_case,
    withdrawn_case,
)
from messages.witness_protection.models import (
    HearingWindow,
    TestimonyArrangementRequest,
    WPArrangementConcluded,
    WPCooperationDecision,
    WPCooperationRequest,
    WPIncidentAlert,
    WPStatusUpdate,
    WPTermination,
)
from messages.witness_protection.sealed import (
    Dependant,
    IdentityDocument,
    PersonIdentity,
    PostalAddress,
    WPDossier,
)
from messages.witness_protection.vocab import (
    CourtProtectiveMeasure,
    DependantRelationship,
    DossierDisposition,
    IdentityDocumentKind,
    IncidentAction,
    IncidentKind,
    IncidentRequest,
    IncidentSeverity,
    PostTerminationMeasure,
    ProceedingsStage,
    ProtectedPersonRole,
    TerminationStep,
    TestimonyMode,
    WPCondition,
    WPCostBearer,
    WPDecisionOutcome,
    WPInfoItem,
    WPMeasure,
    WPSex,
    WPSide,
    WPStatus,
    WPSubmission,
    WPTerminationReason,
    WPThreatLevel,
)


def relocation_case() -> list[Document[Any]]:
    """Argentina → Paraguay: temporary relocation through to termination and closure."""
    conv = conversation("wp-ar-py-relocation", "PNPTI-2026-0042", AR_UNIT, PY_UNIT)
    pseudonym = "wpt_Zq8Lr2VxT0cWmA41bNd7Ke"
    witness = PersonIdentity(
        family_names="Aguirre Benítez",
        given_names="Rocío Belén",
        date_of_birth=sample_date(-365 * 29),
        place_of_birth="Posadas, Misiones, Argentina",
        sex=WPSex.FEMALE,
        nationalities=["AR"],
        documents=[
            IdentityDocument(
                kind=IdentityDocumentKind.NATIONAL_IDENTITY_CARD,
                number="38.411.902",
                issuing_state="AR",
            ),
            IdentityDocument(
                kind=IdentityDocumentKind.PASSPORT,
                number="AAF204118",
                issuing_state="AR",
                expires_on=sample_date(900),
            ),
        ],
    )
    daughter = PersonIdentity(
        family_names="Aguirre",
        given_names="Martina Sol",
        date_of_birth=sample_date(-365 * 7),
        sex=WPSex.FEMALE,
        nationalities=["AR"],
    )
    request = conv.message(
        WPCooperationRequest(
            wp_token=pseudonym,
            submission=WPSubmission.INITIAL,
            measures=[
                WPMeasure.TEMP_RELOCATION,
                WPMeasure.DOCUMENT_SUPPORT,
                WPMeasure.TESTIMONY_SUPPORT,
            ],
            in_national_programme=True,
            principal_count=1,
            dependants_count=1,
            protected_person_role=ProtectedPersonRole.VICTIM_WITNESS,
            proceedings_stage=ProceedingsStage.TRIAL_PENDING,
            threat_level=WPThreatLevel.HIGH,
            duration_requested_months=18,
            cost_bearer=WPCostBearer.REQUESTING,
            sealed_dossier_ref="PNPTI-DOS-2026-0042",
            dossier=WPDossier(
                true_identity=witness,
                programme_identity=PersonIdentity(
                    family_names="Ledesma",
                    given_names="Carolina",
                    date_of_birth=sample_date(-365 * 29 - 40),
                    sex=WPSex.FEMALE,
                    nationalities=["AR"],
                ),
                current_address=PostalAddress(
                    lines=["Domicilio protegido del Programa, unidad 3"],
                    locality="Resistencia",
                    region="Chaco",
                    state="AR",
                ),
                dependants=[Dependant(identity=daughter, relationship=DependantRelationship.CHILD)],
                relocation_constraints=(
                    "Evitar Encarnación y el departamento de Itapúa: la red tiene contactos "
                    "en la zona de frontera. Preferible una ciudad con escuela primaria "
                    "cercana al domicilio."
                ),
                threat_narrative=(
                    "La testigo fue captada en 2024 con una falsa oferta de empleo y explotada "
                    "sexualmente en un local de Posadas. Declaró ante PROTEX contra los "
                    "organizadores. Desde enero de 2026 recibe mensajes intimidatorios y un "
                    "vehículo fue visto frente al domicilio protegido en dos ocasiones. Se "
                    "presume que la red conoce su paradero en Argentina."
                ),
                protection_conditions=(
                    "Aceptó no contactar a familiares fuera del canal del Programa y no usar "
                    "redes sociales."
                ),
                languages=["es", "gn"],
            ),
        ),
        at=sample_time(0),
        classification=Classification.SECRET,
    )
    needs_info = conv.message(
        WPCooperationDecision(
            wp_token=pseudonym,
            decision=WPDecisionOutcome.NEEDS_INFO,
            information_needed=[WPInfoItem.THREAT_ASSESSMENT, WPInfoItem.PROCEEDINGS_SCHEDULE],
        ),
        at=sample_time(3),
        from_opener=False,
        reply_to=request,
    )
    supplement = conv.message(
        WPCooperationRequest(
            wp_token=pseudonym,
            submission=WPSubmission.SUPPLEMENT,
            measures=[
                WPMeasure.TEMP_RELOCATION,
                WPMeasure.DOCUMENT_SUPPORT,
                WPMeasure.TESTIMONY_SUPPORT,
            ],
            in_national_programme=True,
            principal_count=1,
            dependants_count=1,
            protected_person_role=ProtectedPersonRole.VICTIM_WITNESS,
            proceedings_stage=ProceedingsStage.TRIAL_PENDING,
            threat_level=WPThreatLevel.HIGH,
            duration_requested_months=18,
            cost_bearer=WPCostBearer.REQUESTING,
            sealed_dossier_ref="PNPTI-DOS-2026-0042",
            supplied_information=[WPInfoItem.THREAT_ASSESSMENT, WPInfoItem.PROCEEDINGS_SCHEDULE],
        ),
        at=sample_time(6),
        reply_to=needs_info,
        attachments=[attachment("threat-assessment", 412_877), attachment("schedule", 96_310)],
    )
    accepted = conv.message(
        WPCooperationDecision(
            wp_token=pseudonym,
            decision=WPDecisionOutcome.ACCEPTED_WITH_CONDITIONS,
            accepted_measures=[
                WPMeasure.TEMP_RELOCATION,
                WPMeasure.DOCUMENT_SUPPORT,
                WPMeasure.TESTIMONY_SUPPORT,
            ],
            conditions=[
                WPCondition.REQUESTING_STATE_BEARS_COSTS,
                WPCondition.PRINCIPAL_ACCEPTS_HOST_PROGRAMME_RULES,
                WPCondition.PERIODIC_THREAT_REASSESSMENT,
            ],
            arrangement_ref="AR-PY-WP-2026-007",
        ),
        at=sample_time(12),
        from_opener=False,
        reply_to=supplement,
    )
    arrangement = conv.message(
        WPArrangementConcluded(
            wp_token=pseudonym,
            sender_side=WPSide.HOST,
            arrangement_ref="AR-PY-WP-2026-007",
            measures=[
                WPMeasure.TEMP_RELOCATION,
                WPMeasure.DOCUMENT_SUPPORT,
                WPMeasure.TESTIMONY_SUPPORT,
            ],
            cost_bearer=WPCostBearer.REQUESTING,
            start_date=sample_date(25),
            end_date=sample_date(25 + 548),
            review_interval_months=3,
            termination_conditions=[
                WPTerminationReason.THREAT_CEASED,
                WPTerminationReason.VOLUNTARY_EXIT,
                WPTerminationReason.BREACH_OF_OBLIGATIONS,
                WPTerminationReason.PROCEEDINGS_CONCLUDED,
            ],
        ),
        at=sample_time(20),
        from_opener=False,
        reply_to=accepted,
    )
    conv.message(
        WPStatusUpdate(
            wp_token=pseudonym,
            status=WPStatus.RELOCATION_IN_PROGRESS,
            measures_in_force=[WPMeasure.TEMP_RELOCATION, WPMeasure.DOCUMENT_SUPPORT],
        ),
        at=sample_time(25),
        from_opener=False,
        reply_to=arrangement,
    )
    conv.message(
        WPStatusUpdate(
            wp_token=pseudonym,
            status=WPStatus.ACTIVE,
            next_review_at=sample_date(120),
            measures_in_force=[
                WPMeasure.TEMP_RELOCATION,
                WPMeasure.DOCUMENT_SUPPORT,
                WPMeasure.TESTIMONY_SUPPORT,
            ],
        ),
        at=sample_time(32),
        from_opener=False,
    )
    alert = conv.message(
        WPIncidentAlert(
            wp_token=pseudonym,
            sender_side=WPSide.HOST,
            kind=IncidentKind.THREAT,
            severity=IncidentSeverity.HIGH,
            occurred_at=sample_time(69, hours=21),
            actions_taken=[
                IncidentAction.PROTECTION_REINFORCED,
                IncidentAction.COMMUNICATIONS_CHANGED,
            ],
            actions_requested=[
                IncidentRequest.UPDATED_THREAT_ASSESSMENT,
                IncidentRequest.INVESTIGATE_INFORMATION_LEAK,
            ],
        ),
        at=sample_time(70),
        from_opener=False,
        urgency=IMMEDIATE,
    )
    conv.message(
        WPStatusUpdate(
            wp_token=pseudonym,
            status=WPStatus.UNDER_REVIEW,
            next_review_at=sample_date(85),
            measures_in_force=[
                WPMeasure.TEMP_RELOCATION,
                WPMeasure.DOCUMENT_SUPPORT,
                WPMeasure.TESTIMONY_SUPPORT,
            ],
            open_incident=True,
        ),
        at=sample_time(71),
        from_opener=False,
        reply_to=alert,
    )
    conv.message(
        WPStatusUpdate(
            wp_token=pseudonym,
            status=WPStatus.ACTIVE,
            next_review_at=sample_date(175),
            measures_in_force=[
                WPMeasure.TEMP_RELOCATION,
                WPMeasure.DOCUMENT_SUPPORT,
                WPMeasure.TESTIMONY_SUPPORT,
            ],
            open_incident=False,
        ),
        at=sample_time(85),
        from_opener=False,
    )
    default_handling = conv.handling
    conv.handling = handling(TESTIMONY_READERS, 365 * 7)
    conv.message(
        TestimonyArrangementRequest(
            wp_token=pseudonym,
            requested_by_authority="AR-MPF-PROTEX",
            requested_by_role=AuthorityRole.PROSECUTOR,
            hearing_window=HearingWindow(
                earliest=sample_time(130, hours=-1), latest=sample_time(134, hours=5)
            ),
            mode=TestimonyMode.VIDEO_LINK,
            court_protective_measures=[
                CourtProtectiveMeasure.PSEUDONYM,
                CourtProtectiveMeasure.VOICE_DISTORTION,
                CourtProtectiveMeasure.FACE_MASKING,
            ],
        ),
        at=sample_time(100),
    )
    conv.handling = default_handling
    notice = conv.message(
        WPTermination(
            wp_token=pseudonym,
            sender_side=WPSide.REQUESTING,
            step=TerminationStep.NOTICE,
            reason=WPTerminationReason.PROCEEDINGS_CONCLUDED,
            effective_at=sample_time(230),
            post_termination_measures=[
                PostTerminationMeasure.ASSISTED_RETURN_TO_REQUESTING_STATE,
                PostTerminationMeasure.FOLLOW_UP_CONTACT_PERIOD,
            ],
        ),
        at=sample_time(200),
    )
    conv.message(
        WPTermination(
            wp_token=pseudonym,
            sender_side=WPSide.HOST,
            step=TerminationStep.CLOSURE_CONFIRMATION,
            reason=WPTerminationReason.PROCEEDINGS_CONCLUDED,
            effective_at=sample_time(235),
            dossier_disposition=DossierDisposition.RETAINED_UNTIL_RETENTION_DATE,
        ),
        at=sample_time(235, hours=2),
        from_opener=False,
        reply_to=notice,
    )
    return conv.documents


def example_conversations() -> list[list[Document[Any]]]:
    """The sample cases, each a list of documents that applies cleanly in order."""
    return [relocation_case(), declined_case(), suspended_case(), withdrawn_case()]


def examples() -> list[Document[Any]]:
    """Every document of every sample case; the first of each type is the published example."""
    return [document for conversation in example_conversations() for document in conversation]
