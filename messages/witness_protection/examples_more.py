"""More witness-protection sample cases: a refusal, a suspension and a withdrawal."""

from __future__ import annotations

from typing import Any

from messages.document import Document
from messages.samples import sample_date, sample_time
from messages.vocab import (
    Classification,
)
from messages.witness_protection.examples_common import (
    AR_UNIT,
    CO_UNIT,
    IMMEDIATE,
    PY_UNIT,
    conversation,
)
from messages.witness_protection.models import (
    WPArrangementConcluded,
    WPCooperationDecision,
    WPCooperationRequest,
    WPIncidentAlert,
    WPStatusUpdate,
    WPTermination,
)
from messages.witness_protection.sealed import (
    IdentityDocument,
    IncidentDetail,
    PersonIdentity,
    WPDossier,
)
from messages.witness_protection.vocab import (
    DossierDisposition,
    IdentityDocumentKind,
    IncidentAction,
    IncidentKind,
    IncidentRequest,
    IncidentSeverity,
    PostTerminationMeasure,
    ProceedingsStage,
    ProtectedPersonRole,
    SuspensionReason,
    TerminationStep,
    WPCostBearer,
    WPDecisionOutcome,
    WPDeclineReason,
    WPMeasure,
    WPSex,
    WPSide,
    WPStatus,
    WPSubmission,
    WPTerminationReason,
    WPThreatLevel,
)


def declined_case() -> list[Document[Any]]:
    """Colombia → Paraguay: a permanent relocation, a new threat, and a refusal."""
    conv = conversation("wp-co-py-declined", "FGN-PPAVT-2026-118", CO_UNIT, PY_UNIT)
    pseudonym = "wpt_3hYpQe0sKuB7v2XaLm9TfC"
    request = conv.message(
        WPCooperationRequest(
            wp_token=pseudonym,
            submission=WPSubmission.INITIAL,
            measures=[WPMeasure.PERMANENT_RELOCATION, WPMeasure.DOCUMENT_SUPPORT],
            in_national_programme=True,
            principal_count=1,
            dependants_count=0,
            protected_person_role=ProtectedPersonRole.COLLABORATOR_OF_JUSTICE,
            proceedings_stage=ProceedingsStage.TRIAL,
            threat_level=WPThreatLevel.CRITICAL,
            cost_bearer=WPCostBearer.SHARED,
            sealed_dossier_ref="PPAVT-EXP-118-2026",
            dossier=WPDossier(
                true_identity=PersonIdentity(
                    family_names="Castaño Ríos",
                    given_names="Julián Andrés",
                    date_of_birth=sample_date(-365 * 34),
                    place_of_birth="Pereira, Risaralda, Colombia",
                    sex=WPSex.MALE,
                    nationalities=["CO"],
                    documents=[
                        IdentityDocument(
                            kind=IdentityDocumentKind.NATIONAL_IDENTITY_CARD,
                            number="1.088.245.617",
                            issuing_state="CO",
                        )
                    ],
                ),
                threat_narrative=(
                    "Exintegrante de la estructura que reclutaba mujeres en el Eje Cafetero "
                    "para explotación en el Cono Sur; colabora con la Fiscalía desde 2025. "
                    "La organización ofreció una recompensa por su ubicación."
                ),
                languages=["es"],
            ),
        ),
        at=sample_time(10),
        classification=Classification.SECRET,
    )
    conv.message(
        WPIncidentAlert(
            wp_token=pseudonym,
            sender_side=WPSide.REQUESTING,
            kind=IncidentKind.COMPROMISE,
            severity=IncidentSeverity.CRITICAL,
            occurred_at=sample_time(13, hours=-6),
            actions_taken=[IncidentAction.EMERGENCY_RELOCATION, IncidentAction.POLICE_NOTIFIED],
            actions_requested=[IncidentRequest.UPDATED_THREAT_ASSESSMENT],
            detail=IncidentDetail(
                narrative=(
                    "Un funcionario penitenciario fue sorprendido fotografiando el "
                    "expediente de traslado. Se trasladó al colaborador a otra casa segura."
                ),
                suspected_source="Personal penitenciario vinculado a la estructura.",
            ),
        ),
        at=sample_time(13),
        urgency=IMMEDIATE,
        classification=Classification.SECRET,
    )
    conv.message(
        WPCooperationDecision(
            wp_token=pseudonym,
            decision=WPDecisionOutcome.DECLINED,
            decline_reasons=[WPDeclineReason.NO_CAPACITY, WPDeclineReason.MEASURE_NOT_AVAILABLE],
        ),
        at=sample_time(21),
        from_opener=False,
        reply_to=request,
    )
    return conv.documents


def suspended_case() -> list[Document[Any]]:
    """Colombia → Paraguay: no relocation; suspension after a breach, then termination."""
    conv = conversation("wp-co-py-transit", "FGN-PPAVT-2026-131", CO_UNIT, PY_UNIT)
    pseudonym = "wpt_nV5cR1uWz8EoJ4qHsTy0gD"
    measures = [WPMeasure.TRANSIT_PROTECTION, WPMeasure.TESTIMONY_SUPPORT]
    request = conv.message(
        WPCooperationRequest(
            wp_token=pseudonym,
            submission=WPSubmission.INITIAL,
            measures=measures,
            in_national_programme=False,
            principal_count=1,
            dependants_count=0,
            protected_person_role=ProtectedPersonRole.WITNESS,
            proceedings_stage=ProceedingsStage.TRIAL_PENDING,
            threat_level=WPThreatLevel.MEDIUM,
            duration_requested_months=4,
            cost_bearer=WPCostBearer.REQUESTING,
            sealed_dossier_ref="PPAVT-EXP-131-2026",
            dossier=WPDossier(
                true_identity=PersonIdentity(
                    family_names="Mosquera Palacios",
                    given_names="Yesenia",
                    date_of_birth=sample_date(-365 * 41),
                    sex=WPSex.FEMALE,
                    nationalities=["CO"],
                ),
                threat_narrative=(
                    "Testigo de la contratación fraudulenta de trabajadores agrícolas "
                    "enviados al Chaco paraguayo; debe declarar en Asunción y regresar."
                ),
                languages=["es"],
            ),
        ),
        at=sample_time(40),
    )
    accepted = conv.message(
        WPCooperationDecision(
            wp_token=pseudonym,
            decision=WPDecisionOutcome.ACCEPTED,
            accepted_measures=measures,
            arrangement_ref="CO-PY-WP-2026-003",
        ),
        at=sample_time(47),
        from_opener=False,
        reply_to=request,
    )
    conv.message(
        WPArrangementConcluded(
            wp_token=pseudonym,
            sender_side=WPSide.REQUESTING,
            arrangement_ref="CO-PY-WP-2026-003",
            measures=measures,
            cost_bearer=WPCostBearer.REQUESTING,
            start_date=sample_date(55),
            end_date=sample_date(55 + 120),
            review_interval_months=1,
            termination_conditions=[
                WPTerminationReason.BREACH_OF_OBLIGATIONS,
                WPTerminationReason.PROCEEDINGS_CONCLUDED,
                WPTerminationReason.VOLUNTARY_EXIT,
            ],
        ),
        at=sample_time(52),
        reply_to=accepted,
    )
    conv.message(
        WPStatusUpdate(
            wp_token=pseudonym,
            status=WPStatus.ACTIVE,
            next_review_at=sample_date(85),
            measures_in_force=measures,
        ),
        at=sample_time(55),
        from_opener=False,
    )
    conv.message(
        WPIncidentAlert(
            wp_token=pseudonym,
            sender_side=WPSide.HOST,
            kind=IncidentKind.BREACH,
            severity=IncidentSeverity.MEDIUM,
            occurred_at=sample_time(61, hours=-14),
            actions_taken=[IncidentAction.PROTECTION_REINFORCED],
            actions_requested=[IncidentRequest.REVIEW_ARRANGEMENT],
        ),
        at=sample_time(61),
        from_opener=False,
        urgency=IMMEDIATE,
    )
    conv.message(
        WPStatusUpdate(
            wp_token=pseudonym,
            status=WPStatus.SUSPENDED,
            suspension_reason=SuspensionReason.BREACH_UNDER_INVESTIGATION,
            open_incident=True,
        ),
        at=sample_time(62),
        from_opener=False,
    )
    notice = conv.message(
        WPTermination(
            wp_token=pseudonym,
            sender_side=WPSide.HOST,
            step=TerminationStep.NOTICE,
            reason=WPTerminationReason.BREACH_OF_OBLIGATIONS,
            effective_at=sample_time(70),
            post_termination_measures=[PostTerminationMeasure.ASSISTED_RETURN_TO_REQUESTING_STATE],
        ),
        at=sample_time(66),
        from_opener=False,
    )
    conv.message(
        WPTermination(
            wp_token=pseudonym,
            sender_side=WPSide.REQUESTING,
            step=TerminationStep.CLOSURE_CONFIRMATION,
            reason=WPTerminationReason.BREACH_OF_OBLIGATIONS,
            effective_at=sample_time(72),
            dossier_disposition=DossierDisposition.DESTROYED,
        ),
        at=sample_time(72, hours=1),
        reply_to=notice,
    )
    return conv.documents


def withdrawn_case() -> list[Document[Any]]:
    """Argentina → Paraguay: the request is withdrawn before a decision."""
    conv = conversation("wp-ar-py-withdrawn", "PNPTI-2026-0057", AR_UNIT, PY_UNIT)
    pseudonym = "wpt_Hc2mWq7Lx0RbTz5NyVa3Ep"
    conv.message(
        WPCooperationRequest(
            wp_token=pseudonym,
            submission=WPSubmission.INITIAL,
            measures=[WPMeasure.INFO_EXCHANGE, WPMeasure.TRANSIT_PROTECTION],
            in_national_programme=True,
            principal_count=1,
            dependants_count=0,
            protected_person_role=ProtectedPersonRole.WITNESS,
            proceedings_stage=ProceedingsStage.INVESTIGATION,
            threat_level=WPThreatLevel.LOW,
            cost_bearer=WPCostBearer.REQUESTING,
            sealed_dossier_ref="PNPTI-DOS-2026-0057",
            dossier=WPDossier(
                true_identity=PersonIdentity(
                    family_names="Ferreyra",
                    given_names="Hugo Daniel",
                    date_of_birth=sample_date(-365 * 52),
                    sex=WPSex.MALE,
                    nationalities=["AR"],
                ),
                threat_narrative=(
                    "Chofer que trasladó a víctimas entre Clorinda y Asunción; teme "
                    "represalias si viaja a Paraguay para una diligencia."
                ),
            ),
        ),
        at=sample_time(90),
    )
    notice = conv.message(
        WPTermination(
            wp_token=pseudonym,
            sender_side=WPSide.REQUESTING,
            step=TerminationStep.NOTICE,
            reason=WPTerminationReason.REQUEST_WITHDRAWN,
            effective_at=sample_time(94),
        ),
        at=sample_time(94),
    )
    conv.message(
        WPTermination(
            wp_token=pseudonym,
            sender_side=WPSide.HOST,
            step=TerminationStep.CLOSURE_CONFIRMATION,
            reason=WPTerminationReason.REQUEST_WITHDRAWN,
            effective_at=sample_time(95),
            dossier_disposition=DossierDisposition.DESTROYED,
        ),
        at=sample_time(95),
        from_opener=False,
        reply_to=notice,
    )
    return conv.documents
