"""Sample repatriation cases 2 to 5 (see :mod:`messages.repatriation.examples`)."""

from __future__ import annotations

from typing import Any

from messages.document import Document
from messages.repatriation.examples_common import (
    AR_CANCILLERIA,
    AR_RESCATE,
    BR_NETP_MS,
    BR_NETP_PR,
    PY_CONSULADO_BUENOS_AIRES,
    PY_CONSULADO_CAMPO_GRANDE,
    PY_CONSULADO_FOZ,
    PY_MINNA,
    PY_MRE_CONNACIONALES,
    TIP_ART8,
    VCCR_ART36,
    attachment,
    consent,
    conversation,
    digest,
)
from messages.repatriation.models import (
    ConsularNotification,
    NationalityVerificationRequest,
    NationalityVerificationResult,
    TravelDocumentIssued,
    TravelDocumentRequest,
    VictimIdentifiedNotice,
)
from messages.repatriation.models_return import (
    ArrivalConfirmed,
    CancellationNotice,
    CaseClosure,
    HoldNotice,
    ReintegrationFollowUp,
    ResumeNotice,
    ReturnScheduled,
    SafetyRiskAssessment,
)
from messages.repatriation.sections import (
    Consent,
    DetentionDetails,
    Guardian,
    GuardianIdentity,
    IdentityDocument,
    Itinerary,
    ProsecutorConfirmation,
    ReceptionOrganisation,
    ReflectionPeriod,
    RiskNarrative,
    TravelArrangements,
    VictimIdentity,
)
from messages.repatriation.vocab import (
    AgeGroup,
    AssessorKind,
    AssistanceType,
    CancellationReason,
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    ContactStatus,
    DetentionPlaceKind,
    DocumentHandover,
    EscortKind,
    GuardianKind,
    HoldReason,
    IdentifyingAuthorityKind,
    IdentityDocumentKind,
    InstitutionType,
    MissingInformation,
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


def ar_py_hold() -> list[Document[Any]]:
    """A man in police custody in Buenos Aires; the return is held for illness and resumed."""
    conv = conversation("ar-py-hold", "REP-AR-PY-2026-0112", AR_RESCATE, PY_CONSULADO_BUENOS_AIRES)
    man = VictimIdentity(
        given_names="Derlis Ramón",
        family_names="Giménez Báez",
        sex=Sex.MALE,
        date_of_birth=sample_date(-34 * 365),
        place_of_birth="San Pedro del Ycuamandyyú, Departamento de San Pedro",
        mother_names="Francisca Báez",
        father_names="Ramón Giménez",
        documents=[
            IdentityDocument(
                kind=IdentityDocumentKind.NATIONAL_ID_CARD, number="3390521", issuing_state="PY"
            )
        ],
    )
    # The foreign ministry notifies the consulate at his request, under VCCR art. 36.
    conv.opener, conv.legal_basis = AR_CANCILLERIA, list(VCCR_ART36)
    conv.message(
        ConsularNotification(
            detained=True,
            detained_at=sample_time(0, hours=-10),
            place_kind=DetentionPlaceKind.POLICE_CUSTODY,
            person_requested_notification=True,
            person_opposes_consular_action=False,
            informed_of_rights=True,
            presumed_trafficking_victim=True,
            national=man,
            detention=DetentionDetails(
                facility="Comisaría Vecinal 7-C",
                locality="Ciudad Autónoma de Buenos Aires",
                visiting_arrangements="Visita consular de 9 a 18 h con aviso a la guardia.",
            ),
        ),
        at=sample_time(0),
    )
    conv.opener, conv.legal_basis = AR_RESCATE, list(TIP_ART8)
    agreed = consent(sample_time(1, hours=-4))
    conv.message(
        VictimIdentifiedNotice(
            identified_at=sample_time(1, hours=-6),
            identifying_authority_kind=IdentifyingAuthorityKind.PROSECUTION,
            presumed_nationality="PY",
            age_group=AgeGroup.ADULT,
            unaccompanied_child=False,
            consent=agreed,
            needs=[NeedFlag.SHELTER, NeedFlag.LEGAL],
            legal_proceedings_pending=True,
            victim_wishes=VictimWishes.RETURN,
            victim=man,
        ),
        at=sample_time(1),
    )
    request = conv.message(
        NationalityVerificationRequest(
            verify=VerificationScope.NATIONALITY,
            indications=[NationalityIndication.DOCUMENT_SEEN, NationalityIndication.OWN_STATEMENT],
            victim=man,
            consent=agreed,
        ),
        at=sample_time(2),
    )
    conv.message(
        NationalityVerificationResult(
            outcome=VerificationOutcome.CONFIRMED_NATIONAL,
            verified_at=sample_time(5),
            sources=[VerificationSource.NATIONAL_ID_REGISTRY],
        ),
        at=sample_time(6),
        from_opener=False,
        reply_to=request,
    )
    conv.message(
        SafetyRiskAssessment(
            risk_level=RiskLevel.LOW,
            mitigations=[Mitigation.REGULAR_MONITORING],
            assessed_at=sample_time(8, hours=-3),
            assessor_kind=AssessorKind.DESTINATION_VICTIM_SERVICES,
        ),
        at=sample_time(8),
    )
    docs_request = conv.message(
        TravelDocumentRequest(
            document_kind=TravelDocumentKind.EMERGENCY_TRAVEL_DOC,
            planned_travel_date=sample_date(20),
            consent=agreed,
        ),
        at=sample_time(9),
    )
    conv.message(
        TravelDocumentIssued(
            document_kind=TravelDocumentKind.EMERGENCY_TRAVEL_DOC,
            issued_on=sample_date(12),
            valid_until=sample_date(72),
            single_journey=True,
            handover=DocumentHandover.HANDED_TO_PERSON,
        ),
        at=sample_time(12),
        from_opener=False,
        reply_to=docs_request,
    )
    bus = TravelArrangements(
        mode=TravelMode.LAND,
        escort=EscortKind.NONE,
        arrival_point="Terminal de Ómnibus de Asunción",
        reception=ReceptionOrganisation(
            kind=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
            organisation_id="PY-MRE-DG-CONNACIONALES",
            label="Ministerio de Relaciones Exteriores, Atención a Connacionales",
        ),
        medical_needs=False,
    )
    protex = ProsecutorConfirmation(
        prosecutor_authority_id="AR-MPF-PROTEX",
        decision_ref="PROTEX-2026-0093",
        confirmed_on=sample_date(13),
        step=ProceedingsStep.REMOTE_TESTIMONY_ARRANGED,
    )
    conv.message(
        ReturnScheduled(
            travel_date=sample_date(20),
            expected_arrival_date=sample_date(21),
            travel=bus,
            prosecutor_confirmation=protex,
        ),
        at=sample_time(14),
    )
    conv.message(HoldNotice(reason=HoldReason.HEALTH, until=sample_date(30)), at=sample_time(18))
    conv.message(
        SafetyRiskAssessment(
            risk_level=RiskLevel.LOW,
            assessed_at=sample_time(27),
            assessor_kind=AssessorKind.CONSULAR_POST,
        ),
        at=sample_time(28),
        from_opener=False,
    )
    conv.message(ResumeNotice(hold_reason=HoldReason.HEALTH), at=sample_time(29))
    conv.message(
        ReturnScheduled(
            travel_date=sample_date(33),
            expected_arrival_date=sample_date(34),
            travel=bus.model_copy(update={"medical_needs": True}),
        ),
        at=sample_time(29, hours=2),
    )
    conv.counterpart = PY_MRE_CONNACIONALES
    conv.message(
        ArrivalConfirmed(
            arrived_at=sample_time(34, hours=-1),
            departed_at=sample_time(33, hours=9),
            received_by=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
            immediate_assistance=[AssistanceType.MEDICAL, AssistanceType.CASH_OR_IN_KIND],
        ),
        at=sample_time(34, hours=3),
        from_opener=False,
    )
    conv.message(
        CaseClosure(
            reason=ClosureReason.DECLINED_FURTHER_ASSISTANCE,
            closed_at=sample_time(40),
            follow_up_visits=0,
        ),
        at=sample_time(40),
        from_opener=False,
    )
    return conv.documents


def br_py_child() -> list[Document[Any]]:
    """An unaccompanied girl in Foz do Iguaçu with a court-appointed guardian."""
    conv = conversation("br-py-child", "REP-BR-PY-2026-0057", BR_NETP_PR, PY_CONSULADO_FOZ)
    girl = VictimIdentity(
        given_names="Araceli Noemí",
        family_names="Duarte Villalba",
        sex=Sex.FEMALE,
        date_of_birth=sample_date(-16 * 365),
        place_of_birth="Ciudad del Este, Departamento de Alto Paraná",
        mother_names="Nilda Villalba",
    )
    guardian = Guardian(
        guardian_ref="BR-TJPR-VIJ-FOZ-0001287-2026",
        kind=GuardianKind.COURT_APPOINTED,
        appointed_by="BR-TJPR-VIJ-FOZ",
        person=GuardianIdentity(
            given_names="Márcia Regina",
            family_names="Lopes Ferreira",
            institution="Conselho Tutelar de Foz do Iguaçu",
            phone_numbers=["+55 45 5550 1187"],
        ),
    )
    agreed = consent(sample_time(-1), given_by=ConsentGiver.VICTIM_AND_GUARDIAN)
    conv.message(
        VictimIdentifiedNotice(
            identified_at=sample_time(-2),
            identifying_authority_kind=IdentifyingAuthorityKind.CHILD_PROTECTION,
            presumed_nationality="PY",
            age_group=AgeGroup.CHILD,
            unaccompanied_child=True,
            consent=agreed,
            needs=[NeedFlag.SHELTER, NeedFlag.PSYCHOSOCIAL, NeedFlag.MEDICAL],
            legal_proceedings_pending=False,
            victim_wishes=VictimWishes.RETURN,
            guardian=guardian,
            victim=girl,
        ),
        at=sample_time(0),
    )
    conv.message(
        NationalityVerificationRequest(
            verify=VerificationScope.NATIONALITY,
            indications=[NationalityIndication.OWN_STATEMENT],
            victim=girl,
            guardian=guardian,
            consent=agreed,
        ),
        at=sample_time(2),
    )
    conv.message(
        NationalityVerificationResult(
            outcome=VerificationOutcome.INSUFFICIENT_DATA,
            verified_at=sample_time(7, hours=-2),
            sources=[VerificationSource.CIVIL_REGISTRY],
            missing_information=[MissingInformation.PARENTS_NAMES, MissingInformation.PHOTOGRAPH],
        ),
        at=sample_time(7),
        from_opener=False,
    )
    photo = attachment(
        "br-py-child/foto",
        "Fotografía",
        "image/jpeg",
        88_120,
        PY_CONSULADO_FOZ.authority_id,
    )
    fuller = girl.model_copy(
        update={"father_names": "Celso Duarte", "photograph_sha256": digest("br-py-child/foto")}
    )
    conv.message(
        NationalityVerificationRequest(
            verify=VerificationScope.NATIONALITY,
            indications=[
                NationalityIndication.OWN_STATEMENT,
                NationalityIndication.THIRD_PARTY_STATEMENT,
            ],
            victim=fuller,
            guardian=guardian,
            consent=agreed,
        ),
        at=sample_time(9),
        attachments=[photo],
    )
    conv.message(
        NationalityVerificationResult(
            outcome=VerificationOutcome.CONFIRMED_NATIONAL,
            verified_at=sample_time(12, hours=-3),
            sources=[VerificationSource.CIVIL_REGISTRY, VerificationSource.CONSULAR_INTERVIEW],
        ),
        at=sample_time(12),
        from_opener=False,
    )
    conv.message(
        SafetyRiskAssessment(
            risk_level=RiskLevel.MEDIUM,
            risk_factors=[RiskFactor.RE_TRAFFICKING, RiskFactor.STIGMA],
            mitigations=[
                Mitigation.ESCORTED_TRAVEL,
                Mitigation.CHILD_PROTECTION_REFERRAL,
                Mitigation.FAMILY_MEDIATION,
                Mitigation.REGULAR_MONITORING,
            ],
            assessed_at=sample_time(14, hours=-5),
            assessor_kind=AssessorKind.CHILD_PROTECTION_AUTHORITY,
            narrative=RiskNarrative(
                narrative="La madre vive en Presidente Franco y desea recibirla; el reclutador, "
                "un vecino, está detenido en Brasil. Riesgo de nueva captación en la zona de "
                "frontera: derivación a la CODENI y seguimiento escolar."
            ),
        ),
        at=sample_time(14),
        from_opener=False,
    )
    docs_request = conv.message(
        TravelDocumentRequest(
            document_kind=TravelDocumentKind.LAISSEZ_PASSER,
            planned_travel_date=sample_date(21),
            guardian=guardian,
            consent=agreed,
        ),
        at=sample_time(15),
    )
    conv.message(
        TravelDocumentIssued(
            document_kind=TravelDocumentKind.LAISSEZ_PASSER,
            issued_on=sample_date(17),
            valid_until=sample_date(47),
            single_journey=True,
            handover=DocumentHandover.HANDED_TO_ESCORT,
        ),
        at=sample_time(17),
        from_opener=False,
        reply_to=docs_request,
    )
    conv.message(
        ReturnScheduled(
            travel_date=sample_date(21),
            expected_arrival_date=sample_date(21),
            travel=TravelArrangements(
                mode=TravelMode.LAND,
                escort=EscortKind.OFFICIAL,
                arrival_point="Puente de la Amistad, control migratorio de Ciudad del Este",
                reception=ReceptionOrganisation(
                    kind=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
                    organisation_id="PY-MINNA-DG-PROTECCION",
                    label="Ministerio de la Niñez y la Adolescencia",
                ),
                medical_needs=False,
            ),
            itinerary=Itinerary(
                legs=["Traslado en vehículo oficial del Conselho Tutelar, salida 09:00"],
                meeting_arrangements="Entrega a la Defensoría de la Niñez en el puesto "
                "paraguayo del puente, en presencia de la tutora.",
            ),
        ),
        at=sample_time(18),
    )
    conv.counterpart = PY_MINNA
    conv.message(
        ArrivalConfirmed(
            arrived_at=sample_time(21, hours=-1),
            departed_at=sample_time(21, hours=-2),
            received_by=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
            immediate_assistance=[
                AssistanceType.SHELTER,
                AssistanceType.PSYCHOSOCIAL,
                AssistanceType.FAMILY_TRACING_MEDIATION,
            ],
        ),
        at=sample_time(21, hours=3),
        from_opener=False,
    )
    conv.message(
        ReintegrationFollowUp(
            visit_at=sample_time(50),
            visit_number=1,
            contact_status=ContactStatus.IN_CONTACT,
            assistance_rendered=[AssistanceType.EDUCATION, AssistanceType.PSYCHOSOCIAL],
            referred_to=[InstitutionType.LOCAL_GOVERNMENT_ORGANISATION],
            recovery_stage=RecoveryStage.RECOVERY,
            next_visit_due=sample_date(80),
            consent=consent(
                sample_time(21, hours=2),
                [ConsentPurpose.REINTEGRATION_FOLLOW_UP],
                given_by=ConsentGiver.VICTIM_AND_GUARDIAN,
            ),
        ),
        at=sample_time(52),
        from_opener=False,
    )
    return conv.documents


def br_py_prohibitive() -> list[Document[Any]]:
    """A reflection period, late consent, then a prohibitive risk: the return is cancelled."""
    conv = conversation(
        "br-py-prohibitive", "REP-BR-PY-2026-0063", BR_NETP_MS, PY_CONSULADO_CAMPO_GRANDE
    )
    conv.message(
        VictimIdentifiedNotice(
            identified_at=sample_time(-2),
            identifying_authority_kind=IdentifyingAuthorityKind.LABOUR_INSPECTION,
            presumed_nationality="PY",
            age_group=AgeGroup.ADULT,
            unaccompanied_child=False,
            consent=Consent(given=False, recorded_at=sample_time(-1)),
            needs=[NeedFlag.SHELTER, NeedFlag.MEDICAL, NeedFlag.SECURITY],
            interpretation_language="gn",
            legal_proceedings_pending=True,
            victim_wishes=VictimWishes.UNDECIDED,
            reflection_period=ReflectionPeriod(starts_on=sample_date(-2), ends_on=sample_date(43)),
        ),
        at=sample_time(0),
    )
    woman = VictimIdentity(
        given_names="Mirna Soledad",
        family_names="Cáceres Ortiz",
        sex=Sex.FEMALE,
        date_of_birth=sample_date(-31 * 365),
        place_of_birth="Pedro Juan Caballero, Departamento de Amambay",
    )
    later = consent(
        sample_time(24),
        [
            ConsentPurpose.CONSULAR_ASSISTANCE,
            ConsentPurpose.NATIONALITY_VERIFICATION,
            ConsentPurpose.RISK_ASSESSMENT,
        ],
    )
    request = conv.message(
        NationalityVerificationRequest(
            verify=VerificationScope.NATIONALITY,
            indications=[
                NationalityIndication.OWN_STATEMENT,
                NationalityIndication.LANGUAGE_OR_ACCENT,
            ],
            victim=woman,
            consent=later,
        ),
        at=sample_time(25),
    )
    conv.message(
        NationalityVerificationResult(
            outcome=VerificationOutcome.CONFIRMED_NATIONAL,
            verified_at=sample_time(29),
            sources=[VerificationSource.NATIONAL_ID_REGISTRY],
        ),
        at=sample_time(30),
        from_opener=False,
        reply_to=request,
    )
    conv.message(
        SafetyRiskAssessment(
            risk_level=RiskLevel.PROHIBITIVE,
            risk_factors=[
                RiskFactor.TRAFFICKER_IN_ORIGIN,
                RiskFactor.FAMILY_COMPLICITY,
                RiskFactor.RE_TRAFFICKING,
            ],
            assessed_at=sample_time(34),
            assessor_kind=AssessorKind.LAW_ENFORCEMENT,
            narrative=RiskNarrative(
                narrative="La red que la captó opera en Pedro Juan Caballero con participación "
                "de un familiar directo; hubo amenazas a testigos en una causa conexa. No hay "
                "medida de protección que haga seguro el retorno en este momento."
            ),
        ),
        at=sample_time(35),
        from_opener=False,
    )
    conv.message(CancellationNotice(reason=CancellationReason.PROHIBITIVE_RISK), at=sample_time(40))
    return conv.documents


def ar_py_withdrawn() -> list[Document[Any]]:
    """A woman asks for time to decide, then withdraws her consent."""
    conv = conversation(
        "ar-py-withdrawn", "REP-AR-PY-2026-0131", AR_RESCATE, PY_CONSULADO_BUENOS_AIRES
    )
    conv.message(
        VictimIdentifiedNotice(
            identified_at=sample_time(-1),
            identifying_authority_kind=IdentifyingAuthorityKind.LAW_ENFORCEMENT,
            presumed_nationality="PY",
            age_group=AgeGroup.ADULT,
            unaccompanied_child=False,
            consent=consent(
                sample_time(-1, hours=4),
                [ConsentPurpose.CONSULAR_ASSISTANCE, ConsentPurpose.NATIONALITY_VERIFICATION],
            ),
            needs=[NeedFlag.SHELTER],
            legal_proceedings_pending=False,
            victim_wishes=VictimWishes.UNDECIDED,
        ),
        at=sample_time(0),
    )
    conv.message(
        HoldNotice(reason=HoldReason.VICTIM_REQUEST, until=sample_date(14)), at=sample_time(2)
    )
    conv.message(
        CancellationNotice(
            reason=CancellationReason.CONSENT_WITHDRAWN, consent_withdrawn_at=sample_time(9)
        ),
        at=sample_time(10),
    )
    return conv.documents
