"""Sample repatriation cases (fictional people), used for docs/examples, the demo federation
and the tests.

1. ``br-py-adult`` — a Paraguayan woman identified in São Paulo returns home with an NGO escort
   after the prosecutor secured her testimony; three reintegration visits, then closure
   (the national-node demo's case).
2. ``ar-py-hold`` — a Paraguayan man held in police custody in Buenos Aires asks for his
   consulate (VCCR art. 36); the scheduled bus journey is put on hold for illness, resumed and
   rescheduled; he declines further assistance after return.
3. ``br-py-child`` — an unaccompanied Paraguayan girl in Foz do Iguaçu, with a court-appointed
   guardian; the first verification lacks data and is retried; she crosses the Friendship
   Bridge with an official escort.
4. ``br-py-prohibitive`` — a woman in Mato Grosso do Sul takes a reflection period (notice
   without identity), consents later; the origin's assessment finds the risk prohibitive and
   the return is cancelled.
5. ``ar-py-withdrawn`` — a woman asks for time, then withdraws her consent; the case is
   cancelled.
"""

from __future__ import annotations

from typing import Any

from messages.document import Document
from messages.header import Urgency
from messages.repatriation.examples_common import (
    BR_NETP_SP,
    PY_CONSULADO_SAO_PAULO,
    PY_MINMUJER,
    attachment,
    consent,
    conversation,
    digest,
)
from messages.repatriation.examples_more import (
    ar_py_hold,
    ar_py_withdrawn,
    br_py_child,
    br_py_prohibitive,
)
from messages.repatriation.models import (
    NationalityVerificationRequest,
    NationalityVerificationResult,
    TravelDocumentIssued,
    TravelDocumentRequest,
    VictimIdentifiedNotice,
)
from messages.repatriation.models_return import (
    ArrivalConfirmed,
    CaseClosure,
    ReintegrationFollowUp,
    ReturnPlan,
    ReturnScheduled,
    SafetyRiskAssessment,
)
from messages.repatriation.sections import (
    FollowUpNotes,
    IdentityDocument,
    Itinerary,
    PostalAddress,
    ProsecutorConfirmation,
    ReceptionOrganisation,
    RiskNarrative,
    RssScores,
    TravelArrangements,
    TravelDocumentDetails,
    VictimIdentity,
    VictimStatement,
)
from messages.repatriation.vocab import (
    AgeGroup,
    AssessorKind,
    AssistanceType,
    ClosureReason,
    ConsentPurpose,
    ContactStatus,
    DocumentHandover,
    EscortKind,
    IdentifyingAuthorityKind,
    IdentityDocumentKind,
    InstitutionType,
    Mitigation,
    NationalityIndication,
    NeedFlag,
    ProceedingsStep,
    RecoveryStage,
    RiskFactor,
    RiskLevel,
    Sex,
    TravelDocumentKind,
    TravelMode,
    VerificationOutcome,
    VerificationScope,
    VerificationSource,
    VictimWishes,
)
from messages.samples import sample_date, sample_time
from messages.vocab import MessageType, UrgencyLevel, UrgencyReason


def br_py_adult() -> list[Document[Any]]:
    """A Paraguayan woman identified in São Paulo, through to reintegration and closure."""
    conv = conversation("br-py-adult", "REP-BR-PY-2026-0041", BR_NETP_SP, PY_CONSULADO_SAO_PAULO)
    consulate = PY_CONSULADO_SAO_PAULO.authority_id
    cedula = attachment(
        "br-py-adult/cedula", "Copia de la cédula de identidad", "image/jpeg", 412_337, consulate
    )
    photo = attachment(
        "br-py-adult/foto", "Fotografía para documento de viaje", "image/jpeg", 96_512, consulate
    )
    victim = VictimIdentity(
        given_names="Liz Carolina",
        family_names="Ayala Sanabria",
        aliases=["Carol"],
        sex=Sex.FEMALE,
        date_of_birth=sample_date(-26 * 365),
        place_of_birth="Caaguazú, Departamento de Caaguazú",
        mother_names="Teodora Sanabria",
        documents=[
            IdentityDocument(
                kind=IdentityDocumentKind.NATIONAL_ID_CARD,
                number="4812337",
                issuing_state="PY",
                copy_sha256=digest("br-py-adult/cedula"),
            )
        ],
        addresses=[
            PostalAddress(
                lines=["Compañía San José, casa 14"],
                locality="Caaguazú",
                region="Caaguazú",
                country="PY",
            )
        ],
        phone_numbers=["+595 981 555 0142"],
    )
    agreed = consent(sample_time(-1))
    travel = TravelArrangements(
        mode=TravelMode.AIR,
        escort=EscortKind.NGO,
        arrival_point="Aeropuerto Internacional Silvio Pettirossi (ASU), Luque",
        reception=ReceptionOrganisation(
            kind=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
            organisation_id="PY-MINMUJER-DG-TRATA",
            label="Ministerio de la Mujer, Dirección General contra la Trata de Personas",
        ),
        medical_needs=False,
    )

    notice = conv.message(
        VictimIdentifiedNotice(
            identified_at=sample_time(-3),
            identifying_authority_kind=IdentifyingAuthorityKind.LAW_ENFORCEMENT,
            presumed_nationality="PY",
            age_group=AgeGroup.ADULT,
            unaccompanied_child=False,
            consent=agreed,
            needs=[NeedFlag.SHELTER, NeedFlag.PSYCHOSOCIAL, NeedFlag.LEGAL],
            legal_proceedings_pending=True,
            victim_wishes=VictimWishes.RETURN,
            victim=victim,
            victim_statement=VictimStatement(
                statement="Quiero volver con mi madre y mi hijo a Caaguazú. No quiero volver "
                "a la ciudad donde me reclutaron ni ver a la señora que me trajo.",
                language="es",
            ),
        ),
        at=sample_time(0),
        attachments=[cedula],
    )
    request = conv.message(
        NationalityVerificationRequest(
            verify=VerificationScope.NATIONALITY,
            indications=[
                NationalityIndication.DOCUMENT_COPY_ATTACHED,
                NationalityIndication.OWN_STATEMENT,
            ],
            victim=victim,
            consent=agreed,
        ),
        at=sample_time(3),
        reply_to=notice,
        attachments=[cedula],
        urgency=Urgency(
            level=UrgencyLevel.URGENT,
            reasons=[UrgencyReason.VICTIM_RETURN_DATE],
            respond_by=sample_date(17),
        ),
    )
    conv.message(
        NationalityVerificationResult(
            outcome=VerificationOutcome.CONFIRMED_NATIONAL,
            verified_at=sample_time(9),
            sources=[VerificationSource.NATIONAL_ID_REGISTRY, VerificationSource.CIVIL_REGISTRY],
        ),
        at=sample_time(10),
        from_opener=False,
        reply_to=request,
    )
    conv.message(
        SafetyRiskAssessment(
            risk_level=RiskLevel.MEDIUM,
            risk_factors=[RiskFactor.DEBT, RiskFactor.STIGMA],
            mitigations=[
                Mitigation.SHELTER_ON_ARRIVAL,
                Mitigation.PSYCHOSOCIAL_SUPPORT,
                Mitigation.DEBT_COUNSELLING,
            ],
            assessed_at=sample_time(13),
            assessor_kind=AssessorKind.DESTINATION_VICTIM_SERVICES,
            narrative=RiskNarrative(
                narrative="La recrutadora cobró a la familia una supuesta deuda de viaje; la "
                "madre recibió mensajes exigiendo el pago. La red operaba en São Paulo; no hay "
                "indicios de que tenga miembros en Caaguazú. La víctima teme el rechazo de su "
                "comunidad."
            ),
        ),
        at=sample_time(14),
    )
    conv.message(
        SafetyRiskAssessment(
            risk_level=RiskLevel.MEDIUM,
            risk_factors=[RiskFactor.DEBT],
            mitigations=[Mitigation.FAMILY_MEDIATION, Mitigation.REGULAR_MONITORING],
            assessed_at=sample_time(17),
            assessor_kind=AssessorKind.ORIGIN_VICTIM_SERVICES,
            narrative=RiskNarrative(
                narrative="Visita domiciliaria del Ministerio de la Mujer: la madre y el hijo "
                "la esperan; la familia recibió dos llamadas de cobro en enero y ninguna "
                "desde entonces. Se acuerda mediación familiar y seguimiento mensual."
            ),
        ),
        at=sample_time(18),
        from_opener=False,
    )
    conv.message(
        ReturnPlan(
            earliest_travel_date=sample_date(30),
            latest_travel_date=sample_date(40),
            travel=travel,
            planned_assistance=[
                AssistanceType.SHELTER,
                AssistanceType.PSYCHOSOCIAL,
                AssistanceType.INCOME_GENERATION,
            ],
        ),
        at=sample_time(19),
    )
    docs_request = conv.message(
        TravelDocumentRequest(
            document_kind=TravelDocumentKind.LAISSEZ_PASSER,
            planned_travel_date=sample_date(34),
            victim=victim.model_copy(update={"photograph_sha256": digest("br-py-adult/foto")}),
            consent=agreed,
        ),
        at=sample_time(20),
        attachments=[cedula, photo],
    )
    conv.message(
        TravelDocumentIssued(
            document_kind=TravelDocumentKind.LAISSEZ_PASSER,
            issued_on=sample_date(24),
            valid_until=sample_date(54),
            single_journey=True,
            handover=DocumentHandover.HELD_BY_CONSULAR_POST,
            document=TravelDocumentDetails(document_number="SC-SP-2026-000318"),
            consent=agreed,
        ),
        at=sample_time(24),
        from_opener=False,
        reply_to=docs_request,
    )
    conv.message(
        ReturnScheduled(
            travel_date=sample_date(34),
            expected_arrival_date=sample_date(34),
            travel=travel,
            itinerary=Itinerary(
                legs=["Vuelo GRU 08:40 -> ASU 10:55 (horas locales), equipaje facturado 1 pieza"],
                meeting_arrangements="La acompañante de la ONG la entrega en la sala de "
                "arribos al equipo del Ministerio de la Mujer; el consulado retira el "
                "salvoconducto en el aeropuerto.",
            ),
            prosecutor_confirmation=ProsecutorConfirmation(
                prosecutor_authority_id="BR-MPF-PRSP",
                decision_ref="PRSP-NCRIM-2026-00211",
                confirmed_on=sample_date(25),
                step=ProceedingsStep.TESTIMONY_TAKEN,
            ),
        ),
        at=sample_time(27),
    )
    # After the arrival, the Ministerio de la Mujer takes over on the Paraguayan side.
    conv.counterpart = PY_MINMUJER
    conv.message(
        ArrivalConfirmed(
            arrived_at=sample_time(34, hours=1),
            departed_at=sample_time(34, hours=-2),
            received_by=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
            immediate_assistance=[
                AssistanceType.SHELTER,
                AssistanceType.MEDICAL,
                AssistanceType.PSYCHOSOCIAL,
            ],
        ),
        at=sample_time(34, hours=5),
        from_opener=False,
    )
    follow_up_consent = consent(sample_time(34, hours=3), [ConsentPurpose.REINTEGRATION_FOLLOW_UP])
    visits = [
        (64, RecoveryStage.RECOVERY, RssScores(economic=40, social=55, psychosocial=48,
                                                composite=47)),
        (155, RecoveryStage.REINTEGRATION, RssScores(economic=58, social=66, psychosocial=61,
                                                      composite=61)),
        (340, RecoveryStage.SUSTAINABLE_REINTEGRATION,
         RssScores(economic=71, social=74, psychosocial=70, composite=72)),
    ]  # fmt: skip
    notes = [
        "Vive con su madre y su hijo. Asiste a terapia quincenal; inició curso de confección.",
        "Trabaja en un taller de confección local; la mediación familiar cerró el tema de la "
        "supuesta deuda.",
        "Ingreso estable propio, red de apoyo en la comunidad, sin síntomas que requieran "
        "atención; acuerda cerrar el seguimiento.",
    ]
    for number, ((day, stage, scores), text) in enumerate(zip(visits, notes, strict=True), 1):
        conv.message(
            ReintegrationFollowUp(
                visit_at=sample_time(day - 1),
                visit_number=number,
                contact_status=ContactStatus.IN_CONTACT,
                assistance_rendered=[AssistanceType.PSYCHOSOCIAL, AssistanceType.VOCATIONAL]
                if number == 1
                else [AssistanceType.INCOME_GENERATION],
                referred_to=[InstitutionType.NGO, InstitutionType.LOCAL_GOVERNMENT_ORGANISATION]
                if number == 1
                else [],
                recovery_stage=stage,
                rss=scores,
                next_visit_due=sample_date(day + 90) if number < len(visits) else None,
                consent=follow_up_consent,
                notes=FollowUpNotes(notes=text),
            ),
            at=sample_time(day),
            from_opener=False,
        )
    conv.message(
        CaseClosure(
            reason=ClosureReason.REINTEGRATION_ACHIEVED,
            closed_at=sample_time(345),
            follow_up_visits=len(visits),
            final_recovery_stage=RecoveryStage.SUSTAINABLE_REINTEGRATION,
            final_rss_composite=72,
        ),
        at=sample_time(345),
        from_opener=False,
    )
    return conv.documents


def example_cases() -> dict[str, list[Document[Any]]]:
    """Every sample case by name (e.g. ``"br-py-adult"``, the national-node demo's case)."""
    return {
        "br-py-adult": br_py_adult(),
        "ar-py-hold": ar_py_hold(),
        "br-py-child": br_py_child(),
        "br-py-prohibitive": br_py_prohibitive(),
        "ar-py-withdrawn": ar_py_withdrawn(),
    }


def example_conversations() -> list[list[Document[Any]]]:
    """Every sample case, each a list of documents that applies cleanly in order."""
    return list(example_cases().values())


def example(case: str, message_type: MessageType, nth: int = 0) -> Document[Any]:
    """The ``nth`` document of ``message_type`` in the sample case named ``case``."""
    return [d for d in example_cases()[case] if d.header.message_type == message_type][nth]


def examples() -> list[Document[Any]]:
    """Every document of every sample case; the first of each type is its published example."""
    return [document for case in example_conversations() for document in case]
