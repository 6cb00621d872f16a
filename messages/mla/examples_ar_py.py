"""Sample case 1 of the mla family: Argentina asks Paraguay for bank records, a subscriber's
identity and a victim's hearing by videoconference; information is requested, the request is
accepted, delayed and executed in two instalments. Every person is fictional."""

from __future__ import annotations

from datetime import date
from typing import Any

from messages.document import Document
from messages.header import Urgency
from messages.mla.examples_base import (
    AR_CENTRAL,
    PY_CENTRAL,
    attachment,
    conversation,
    custody,
    digest,
    official,
    text,
    token,
)
from messages.mla.models_common import (
    Authority,
    AuthorityContact,
    IdentityDocument,
    NaturalPersonIdentity,
    PersonRef,
    PostalAddress,
    SealedNarrative,
)
from messages.mla.models_execution import (
    EvidenceItem,
    ExecutionReport,
    MeasureResult,
)
from messages.mla.models_request import (
    Assurance,
    CentralAuthorityRefs,
    Confidentiality,
    CostsNote,
    EvidenceRequest,
    HearingDetails,
    HearingQuestions,
    LegalRemedies,
    Offence,
    OfficialToAttend,
    Proceeding,
    RequestedMeasure,
    RequestNarrative,
    Signatory,
    SpecialProcedure,
    TargetIdentifier,
    TargetRef,
    TimeWindow,
)
from messages.mla.models_responses import (
    Acknowledgement,
    Answer,
    ClosureNotice,
    DecisionNotice,
    DelayNotice,
    InformationItem,
    InformationReply,
    InformationRequest,
    StatusInquiry,
    StatusReport,
)
from messages.mla.vocab import (
    AssuranceKind,
    AuthorityKind,
    CustodyAction,
    Decision,
    DelayReason,
    EvidenceDelivery,
    EvidenceKind,
    ExecutionOutcome,
    ExecutionStage,
    ExploitationForm,
    FinalState,
    HearingCapacity,
    HearingMode,
    IdDocumentKind,
    InformationReason,
    InquiryReason,
    MeasureStatus,
    MeasureType,
    MlaState,
    NextStep,
    OffenceCategory,
    PersonKind,
    PersonRole,
    ProceedingKind,
    ProtectiveMeasure,
    Sex,
    TargetKind,
)
from messages.samples import sample_date, sample_time
from messages.vocab import Classification, LegalBasis, UrgencyLevel, UrgencyReason

PY_UFETP = Authority(
    authority_id="PY-MP-UFETP",
    designation="Unidad Fiscal Especializada en la Lucha contra la Trata de Personas y "
    "Explotación Sexual de Niños, Niñas y Adolescentes – Ministerio Público",
    kind=AuthorityKind.PROSECUTOR,
    state="PY",
    functions="Ejecuta las diligencias de asistencia en materia de trata de personas",
    working_languages=["es", "gn"],
)


def _ar_py_request() -> EvidenceRequest:
    suspect, victim = token("ar-py/suspect"), token("ar-py/victim")
    return EvidenceRequest(
        requesting_authority=Authority(
            authority_id="AR-MPF-PROTEX",
            designation="Procuraduría de Trata y Explotación de Personas (PROTEX) – Ministerio "
            "Público Fiscal de la Nación",
            kind=AuthorityKind.PROSECUTOR,
            state="AR",
            file_ref="PROTEX-2025-0417",
            functions="Dirige la investigación penal preparatoria por delegación del juez "
            "federal (art. 196 CPPN)",
            working_languages=["es"],
            contact=AuthorityContact(
                officer="Dra. Laura Benítez, fiscal coadyuvante",
                phone="+54 11 5555 0199",
                email="cooperacion.protex@example.org",
            ),
        ),
        requesting_authority_conducts=True,
        validating_authority=Authority(
            designation="Juzgado Federal de Primera Instancia de Posadas",
            kind=AuthorityKind.JUDGE,
            state="AR",
            file_ref="FPO-4471-2025",
        ),
        central_authority_refs=CentralAuthorityRefs(requesting="DAJIN-2026-00311"),
        proceeding=Proceeding(
            kind=ProceedingKind.INVESTIGATION,
            stage="Investigación penal preparatoria (instrucción delegada)",
            domestic_file_no="FPO-4471-2025",
        ),
        offences=[
            Offence(
                legal_classification="Trata de personas agravada con fines de explotación sexual",
                statutory_provisions=["Código Penal art. 145 bis", "Código Penal art. 145 ter"],
                category=OffenceCategory.TRAFFICKING_IN_PERSONS,
                max_penalty_years=15,
                exploitation_forms=[ExploitationForm.SEXUAL_EXPLOITATION],
            ),
            Offence(
                legal_classification="Lavado de activos de origen delictivo",
                statutory_provisions=["Código Penal art. 303"],
                category=OffenceCategory.MONEY_LAUNDERING,
                max_penalty_years=10,
            ),
        ],
        facts_summary=SealedNarrative(
            text="Entre marzo de 2024 y agosto de 2025 una organización captó al menos a seis "
            "mujeres jóvenes en Encarnación (Paraguay) con ofertas falsas de empleo como "
            "camareras en Buenos Aires. Julio César Ramírez Ocampo, alias «El Paraguayo», "
            "las contactaba por WhatsApp desde una línea paraguaya, pagaba los pasajes y las "
            "recibía en Posadas. En Buenos Aires eran explotadas sexualmente en un "
            "departamento privado del barrio de Balvanera; se les retenían los documentos y "
            "se les imponía una deuda por el viaje. Las ganancias se giraban semanalmente a "
            "una cuenta del Sr. Ramírez Ocampo en Encarnación. Una de las víctimas, Ana Lucía "
            "Giménez Duarte, escapó en agosto de 2025 y regresó a Paraguay, donde recibe "
            "asistencia. Dos integrantes de la organización están detenidos en Argentina."
        ),
        narrative=RequestNarrative(
            purpose="Acreditar el circuito financiero de la organización y la captación en "
            "Paraguay, e incorporar al proceso el testimonio de la víctima que retornó a su "
            "país sin exponerla a un nuevo viaje."
        ),
        measures=[
            RequestedMeasure(
                measure_id="M1",
                measure_type=MeasureType.BANK_ACCOUNT_INFO,
                description=text(
                    "Informe de titularidad, firmas autorizadas y movimientos de la cuenta "
                    "indicada, con copia certificada de la documentación de apertura."
                ),
                targets=[
                    TargetRef(
                        target_ref="T1",
                        kind=TargetKind.BANK_ACCOUNT,
                        subject_token=suspect,
                        institution="Banco Regional del Sur S.A. (sucursal Encarnación)",
                        identifier=TargetIdentifier(
                            value="Cuenta corriente en guaraníes N° 0104-223871-5",
                            details="Titular registrado: Julio César Ramírez Ocampo",
                        ),
                    )
                ],
                time_window=TimeWindow(start=date(2024, 1, 1), end=date(2025, 9, 30)),
                relevance_justification=text(
                    "Las víctimas declararon que el dinero recaudado se giraba cada lunes a "
                    "esta cuenta; los comprobantes de giro secuestrados la identifican."
                ),
            ),
            RequestedMeasure(
                measure_id="M2",
                measure_type=MeasureType.HEARING_VIDEOCONFERENCE,
                description=text(
                    "Declaración testimonial de la víctima por videoconferencia desde la sede "
                    "del Ministerio Público en Encarnación, con intervención de la fiscalía "
                    "paraguaya y de una psicóloga del programa de asistencia."
                ),
                targets=[TargetRef(target_ref="T2", kind=TargetKind.PERSON, subject_token=victim)],
                hearing=HearingDetails(
                    subject_token=victim,
                    capacity=HearingCapacity.VICTIM,
                    mode=HearingMode.VIDEO,
                    language="es",
                    interpreter_needed=False,
                    protective_measures=[
                        ProtectiveMeasure.SINGLE_RECORDED_INTERVIEW,
                        ProtectiveMeasure.SUPPORT_PERSON_PRESENT,
                        ProtectiveMeasure.NO_VISUAL_CONTACT_WITH_ACCUSED,
                        ProtectiveMeasure.SPECIALISED_INTERVIEWER,
                    ],
                    preferred_date=sample_date(75),
                    questions=HearingQuestions(
                        questions=[
                            "¿Cómo tomó conocimiento de la oferta de trabajo y quién se la hizo?",
                            "¿Quién pagó el viaje y qué le dijeron sobre la deuda?",
                            "¿Dónde estaban sus documentos mientras permaneció en Buenos Aires?",
                            "¿Sabe adónde se enviaba el dinero que se recaudaba?",
                        ]
                    ),
                ),
            ),
            RequestedMeasure(
                measure_id="M3",
                measure_type=MeasureType.SUBSCRIBER_IDENTIFICATION,
                description=text(
                    "Identificación del titular de la línea y registro de altas, bajas y "
                    "cambios de titularidad."
                ),
                targets=[
                    TargetRef(
                        target_ref="T3",
                        kind=TargetKind.PHONE_NUMBER,
                        institution="Operadora de telefonía móvil",
                        identifier=TargetIdentifier(
                            value="+595 985 550 417",
                            details="Línea desde la que se contactó a las víctimas por WhatsApp",
                        ),
                    )
                ],
                time_window=TimeWindow(start=date(2024, 1, 1), end=date(2025, 9, 30)),
            ),
        ],
        persons_concerned=[
            PersonRef(
                subject_token=suspect,
                role=PersonRole.SUSPECT,
                kind=PersonKind.NATURAL,
                nationalities=["PY"],
                is_child=False,
                is_tip_victim=False,
                natural_person=NaturalPersonIdentity(
                    given_names="Julio César",
                    family_names="Ramírez Ocampo",
                    aliases=["El Paraguayo"],
                    sex=Sex.MALE,
                    date_of_birth=date(1986, 5, 14),
                    place_of_birth="Encarnación, Itapúa",
                    id_documents=[
                        IdentityDocument(
                            kind=IdDocumentKind.NATIONAL_ID_CARD,
                            number="4.512.367",
                            issuing_state="PY",
                        )
                    ],
                    addresses=[
                        PostalAddress(
                            lines=["Calle Mariscal Estigarribia 1230"],
                            locality="Encarnación",
                            region="Itapúa",
                            country="PY",
                        )
                    ],
                    languages=["es", "gn"],
                ),
            ),
            PersonRef(
                subject_token=victim,
                role=PersonRole.VICTIM,
                kind=PersonKind.NATURAL,
                nationalities=["PY"],
                is_child=False,
                is_tip_victim=True,
                natural_person=NaturalPersonIdentity(
                    given_names="Ana Lucía",
                    family_names="Giménez Duarte",
                    sex=Sex.FEMALE,
                    date_of_birth=date(2001, 9, 2),
                    languages=["es", "gn"],
                ),
            ),
        ],
        special_procedures=[
            SpecialProcedure(
                description="Que la declaración se reciba con la defensa de los imputados "
                "conectada por videoconferencia y se grabe íntegramente.",
                reason="Para que pueda incorporarse al juicio sin que la víctima deba declarar "
                "de nuevo.",
                required_for_admissibility=True,
            )
        ],
        officials_to_attend=[
            OfficialToAttend(
                function="Fiscal a cargo de la investigación (por videoconferencia)",
                authority_id="AR-MPF-PROTEX",
                language="es",
                official=official("Laura Benítez"),
            )
        ],
        confidentiality=Confidentiality(
            keep_fact_and_substance_confidential=True,
            do_not_notify_subject=True,
            reason="Informar al titular de la cuenta frustraría la investigación y pondría en "
            "riesgo a la víctima.",
        ),
        deadline_reasons="Dos imputados están en prisión preventiva y el plazo para requerir "
        "la elevación a juicio vence a fines de junio de 2026.",
        legal_remedies=LegalRemedies(remedy_sought=False),
        assurances=[
            Assurance(kind=AssuranceKind.SPECIALITY),
            Assurance(kind=AssuranceKind.CONFIDENTIALITY),
        ],
        costs_note=CostsNote(extraordinary_expected=False),
        signatory=Signatory(
            title="Fiscal General, titular de la PROTEX",
            authority_id="AR-MPF-PROTEX",
            signed_at=sample_time(-1),
            official=official("María Eugenia Sosa"),
        ),
    )


def argentina_paraguay() -> list[Document[Any]]:
    """Case 1: from request to closure, with information, a delay and two instalments."""
    c = conversation(
        "mla/ar-py-sexual-exploitation",
        "AR-PY-2026-000311",
        AR_CENTRAL,
        PY_CENTRAL,
        [LegalBasis.UNTOC_ART18, LegalBasis.IACMAMC_1992],
        classification=Classification.CONFIDENTIAL,
    )
    request = c.message(
        _ar_py_request(),
        at=sample_time(0),
        urgency=Urgency(
            level=UrgencyLevel.URGENT,
            reasons=[UrgencyReason.PERSON_IN_CUSTODY],
            respond_by=sample_date(118),
        ),
    )
    c.message(
        Acknowledgement(
            received_at=sample_time(0, hours=2),
            received_by="PY-MJ-AUTORIDAD-CENTRAL",
            requested_ref="AC-PY-2026-0188",
            forwarded_to=PY_UFETP,
        ),
        at=sample_time(2),
        from_opener=False,
        reply_to=request,
    )
    question = c.message(
        InformationRequest(
            items=[
                InformationItem(
                    item_id="Q1",
                    field_path="measures[0].targets",
                    reason=InformationReason.NEEDED_UNDER_DOMESTIC_LAW,
                    question=text(
                        "La orden judicial debe individualizar cada cuenta. ¿Se solicitan "
                        "también las cuentas en dólares vinculadas al mismo número de cliente?"
                    ),
                )
            ],
            respond_by=sample_date(30),
            clock_paused=True,
        ),
        at=sample_time(9),
        from_opener=False,
    )
    c.message(
        InformationReply(
            answers=[
                Answer(
                    item_id="Q1",
                    answer=text(
                        "Sí: se solicitan todas las cuentas, en guaraníes y en dólares, "
                        "vinculadas al número de cliente de la cuenta indicada."
                    ),
                )
            ]
        ),
        at=sample_time(13),
        reply_to=question,
    )
    c.message(
        DecisionNotice(
            decision=Decision.ACCEPTED,
            executing_authority=PY_UFETP,
            expected_completion=sample_date(100),
        ),
        at=sample_time(20),
        from_opener=False,
    )
    inquiry = c.message(
        StatusInquiry(reason=InquiryReason.DEADLINE_APPROACHING), at=sample_time(48)
    )
    c.message(
        StatusReport(
            reported_state=MlaState.IN_EXECUTION,
            progress_note="Orden judicial de levantamiento del secreto bancario dictada; se "
            "requirió al banco y a la operadora telefónica.",
            next_step=NextStep.ANSWER_FROM_THIRD_PARTY,
            next_step_eta=sample_date(75),
        ),
        at=sample_time(50),
        from_opener=False,
        reply_to=inquiry,
    )
    c.message(
        DelayNotice(
            stage=ExecutionStage.EXECUTION,
            reason=DelayReason.AWAITING_THIRD_PARTY,
            note="El banco pidió veinte días más para reunir la documentación de apertura "
            "archivada.",
            new_estimated_date=sample_date(112),
        ),
        at=sample_time(60),
        from_opener=False,
    )
    holder = "Ministerio Público – Unidad Fiscal Especializada en Trata de Personas, Asunción"
    c.message(
        ExecutionReport(
            outcome=ExecutionOutcome.PARTIALLY_EXECUTED,
            results=[
                MeasureResult(
                    measure_id="M1",
                    status=MeasureStatus.COMPLETED,
                    executed_at=sample_time(78),
                    evidence_items=[
                        EvidenceItem(
                            item_id="E1",
                            kind=EvidenceKind.BANK_RECORDS,
                            description=text(
                                "Extractos de las cuentas del cliente 0104-223871 (guaraníes "
                                "y dólares), enero de 2024 a septiembre de 2025, y legajo de "
                                "apertura."
                            ),
                            delivery=EvidenceDelivery.ATTACHED,
                            sha256=digest("ar-py/E1"),
                            custody_chain=[
                                custody(
                                    "Banco Regional del Sur S.A. – Oficialía de cumplimiento",
                                    CustodyAction.PRODUCED_BY_THIRD_PARTY,
                                    sample_time(70),
                                    sample_time(72),
                                ),
                                custody(
                                    holder,
                                    CustodyAction.RECEIVED,
                                    sample_time(72),
                                    authority_id="PY-MP-UFETP",
                                    person=official("Rosa Martínez Villalba", "MP-0457"),
                                ),
                            ],
                            certification="Copia certificada por el oficial de cumplimiento "
                            "del banco",
                        )
                    ],
                ),
                MeasureResult(
                    measure_id="M3",
                    status=MeasureStatus.COMPLETED,
                    executed_at=sample_time(79),
                    evidence_items=[
                        EvidenceItem(
                            item_id="E2",
                            kind=EvidenceKind.TELECOM_RECORDS,
                            description=text(
                                "Informe de la operadora: titular de la línea desde marzo de "
                                "2023 y registro de cambios de titularidad."
                            ),
                            delivery=EvidenceDelivery.ATTACHED,
                            sha256=digest("ar-py/E2"),
                            custody_chain=[
                                custody(
                                    "Operadora de telefonía móvil – Área legal",
                                    CustodyAction.PRODUCED_BY_THIRD_PARTY,
                                    sample_time(74),
                                    sample_time(75),
                                ),
                                custody(
                                    holder,
                                    CustodyAction.RECEIVED,
                                    sample_time(75),
                                    authority_id="PY-MP-UFETP",
                                ),
                            ],
                        )
                    ],
                ),
            ],
            originals_to_be_returned=False,
        ),
        at=sample_time(80),
        from_opener=False,
        attachments=[
            attachment("ar-py/E1", "application/pdf", 1_843_200, "Extractos bancarios"),
            attachment("ar-py/E2", "application/pdf", 214_016, "Informe de la operadora"),
        ],
    )
    c.message(
        StatusReport(
            reported_state=MlaState.IN_EXECUTION,
            progress_note="La videoconferencia con la víctima quedó fijada; la psicóloga del "
            "programa de asistencia estará presente.",
            next_step=NextStep.HEARING_SCHEDULED,
            next_step_eta=sample_date(96),
        ),
        at=sample_time(85),
        from_opener=False,
    )
    c.message(
        ExecutionReport(
            outcome=ExecutionOutcome.EXECUTED,
            results=[
                MeasureResult(
                    measure_id="M2",
                    status=MeasureStatus.COMPLETED,
                    executed_at=sample_time(96),
                    evidence_items=[
                        EvidenceItem(
                            item_id="E3",
                            kind=EvidenceKind.VIDEO_RECORDING,
                            description=text("Grabación íntegra de la declaración de la víctima."),
                            delivery=EvidenceDelivery.ATTACHED,
                            sha256=digest("ar-py/E3"),
                            custody_chain=[
                                custody(
                                    holder,
                                    CustodyAction.COLLECTED,
                                    sample_time(96),
                                    authority_id="PY-MP-UFETP",
                                )
                            ],
                            restrictions_on_use="Solo para el proceso FPO-4471-2025; no se "
                            "difundirá la imagen de la víctima.",
                        ),
                        EvidenceItem(
                            item_id="E4",
                            kind=EvidenceKind.RECORD_OF_HEARING,
                            description=text("Acta de la declaración firmada por los presentes."),
                            delivery=EvidenceDelivery.ATTACHED,
                            sha256=digest("ar-py/E4"),
                            custody_chain=[
                                custody(
                                    holder,
                                    CustodyAction.COLLECTED,
                                    sample_time(96),
                                    authority_id="PY-MP-UFETP",
                                )
                            ],
                        ),
                    ],
                )
            ],
            originals_to_be_returned=False,
        ),
        at=sample_time(100),
        from_opener=False,
        attachments=[
            attachment("ar-py/E3", "video/mp4", 734_003_200, "Grabación de la declaración"),
            attachment("ar-py/E4", "application/pdf", 96_512, "Acta de la declaración"),
        ],
    )
    c.message(
        ClosureNotice(final_state=FinalState.EXECUTED, closed_at=sample_time(110)),
        at=sample_time(110),
    )
    return c.documents
