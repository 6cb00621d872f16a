"""Sample case 2 of the mla family: Peru asks Colombia for migration records, a search and a
company record; the states consult on conditions, the request is accepted with them, postponed,
and executed with the search substituted by evidence already held. Every person is fictional."""

from __future__ import annotations

from typing import Any

from messages.document import Document
from messages.mla.examples_base import (
    CO_CENTRAL,
    PE_CENTRAL,
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
    Condition,
    IdentityDocument,
    LegalPersonIdentity,
    NaturalPersonIdentity,
    PersonRef,
    SealedNarrative,
)
from messages.mla.models_execution import (
    CostStatement,
    EvidenceItem,
    ExecutionReport,
    MeasureResult,
)
from messages.mla.models_request import (
    Assurance,
    CentralAuthorityRefs,
    EvidenceRequest,
    Offence,
    OfficialToAttend,
    Proceeding,
    RequestedMeasure,
    RequestNarrative,
    Signatory,
    TargetIdentifier,
    TargetRef,
)
from messages.mla.models_responses import (
    Acknowledgement,
    ClosureNotice,
    ConsultationProposal,
    ConsultationReply,
    DecisionNotice,
    PostponementNotice,
    StatusReport,
)
from messages.mla.vocab import (
    AssuranceKind,
    AuthorityKind,
    ConditionKind,
    ConsultationFallback,
    ConsultationSubject,
    CustodyAction,
    Decision,
    EvidenceDelivery,
    EvidenceKind,
    ExecutionOutcome,
    ExploitationForm,
    FinalState,
    IdDocumentKind,
    MeasureStatus,
    MeasureType,
    MlaState,
    NextStep,
    OffenceCategory,
    PersonKind,
    PersonRole,
    PostponementReason,
    ProceedingKind,
    Sex,
    TargetKind,
)
from messages.samples import sample_date, sample_time
from messages.vocab import LegalBasis


def _pe_co_request() -> EvidenceRequest:
    recruiter, agency = token("pe-co/recruiter"), token("pe-co/agency")
    return EvidenceRequest(
        requesting_authority=Authority(
            designation="Juzgado de Investigación Preparatoria de Tambopata",
            kind=AuthorityKind.JUDGE,
            state="PE",
            file_ref="00412-2025-0-2701-JR-PE-01",
        ),
        requesting_authority_conducts=False,
        conducting_authority=Authority(
            authority_id="PE-MP-FETP-MDD",
            designation="Fiscalía Provincial Especializada en Delitos de Trata de Personas de "
            "Madre de Dios",
            kind=AuthorityKind.PROSECUTOR,
            state="PE",
            file_ref="FETP-MDD-2025-118",
            functions="Dirige la investigación preparatoria (Código Procesal Penal, Título "
            "Preliminar art. IV)",
            working_languages=["es"],
        ),
        central_authority_refs=CentralAuthorityRefs(requesting="UCJIE-2026-0622"),
        proceeding=Proceeding(
            kind=ProceedingKind.INVESTIGATION,
            stage="Investigación preparatoria formalizada",
            domestic_file_no="00412-2025-0-2701-JR-PE-01",
        ),
        offences=[
            Offence(
                legal_classification="Trata de personas agravada",
                statutory_provisions=["Código Penal art. 129-A", "Código Penal art. 129-B"],
                category=OffenceCategory.TRAFFICKING_IN_PERSONS,
                max_penalty_years=20,
                exploitation_forms=[
                    ExploitationForm.FORCED_LABOUR_OR_SERVICES,
                    ExploitationForm.SEXUAL_EXPLOITATION,
                ],
            )
        ],
        facts_summary=SealedNarrative(
            text="La agencia «Servicios Laborales Andinos S.A.S.», con oficina en Cali, "
            "ofreció en redes sociales empleos de cocina en campamentos mineros de Madre de "
            "Dios. Entre 2024 y 2025 trasladó al menos a catorce personas colombianas. Los "
            "hombres fueron sometidos a trabajo forzoso en la minería ilegal y las mujeres "
            "explotadas sexualmente en bares de la zona de La Pampa. El representante legal, "
            "Wilmer Andrés Castaño Ríos, viajaba con los grupos y entregaba los pasaportes a "
            "los dueños de los campamentos."
        ),
        narrative=RequestNarrative(
            purpose="Probar la captación en Colombia, los viajes del representante de la "
            "agencia con las víctimas y la existencia y administración de la agencia."
        ),
        measures=[
            RequestedMeasure(
                measure_id="M1",
                measure_type=MeasureType.DATABASE_INFORMATION,
                description=text("Certificado de movimientos migratorios 2023-2025."),
                targets=[
                    TargetRef(
                        target_ref="T1",
                        kind=TargetKind.PERSON,
                        subject_token=recruiter,
                        institution="Unidad Administrativa Especial Migración Colombia",
                    )
                ],
            ),
            RequestedMeasure(
                measure_id="M2",
                measure_type=MeasureType.SEARCH_AND_SEIZURE,
                description=text(
                    "Allanamiento de la oficina de la agencia e incautación de registros de "
                    "personas reclutadas, contratos, pasajes y comprobantes de pago."
                ),
                targets=[
                    TargetRef(
                        target_ref="T2",
                        kind=TargetKind.PREMISES,
                        subject_token=agency,
                        identifier=TargetIdentifier(
                            value="Carrera 5 # 12-40, oficina 301, Cali, Valle del Cauca",
                            details="Oficina registrada como domicilio de la agencia",
                        ),
                    )
                ],
                relevance_justification=text(
                    "Tres víctimas declararon haber firmado contratos y entregado sus "
                    "pasaportes en esa oficina; allí se llevaba un cuaderno de los "
                    "«trabajadores» enviados a cada campamento."
                ),
                alternative_acceptable=True,
            ),
            RequestedMeasure(
                measure_id="M3",
                measure_type=MeasureType.PUBLIC_RECORDS_COPY,
                description=text("Certificado de existencia y representación legal."),
                targets=[
                    TargetRef(
                        target_ref="T3",
                        kind=TargetKind.REGISTRY_RECORD,
                        subject_token=agency,
                        institution="Cámara de Comercio de Cali",
                        identifier=TargetIdentifier(value="Matrícula mercantil 1049871-16"),
                    )
                ],
            ),
        ],
        persons_concerned=[
            PersonRef(
                subject_token=recruiter,
                role=PersonRole.SUSPECT,
                kind=PersonKind.NATURAL,
                nationalities=["CO"],
                is_child=False,
                is_tip_victim=False,
                natural_person=NaturalPersonIdentity(
                    given_names="Wilmer Andrés",
                    family_names="Castaño Ríos",
                    sex=Sex.MALE,
                    id_documents=[
                        IdentityDocument(
                            kind=IdDocumentKind.PASSPORT, number="AQ518842", issuing_state="CO"
                        )
                    ],
                ),
            ),
            PersonRef(
                subject_token=agency,
                role=PersonRole.THIRD_PARTY,
                kind=PersonKind.LEGAL,
                nationalities=["CO"],
                is_child=False,
                is_tip_victim=False,
                legal_person=LegalPersonIdentity(
                    legal_name="Servicios Laborales Andinos S.A.S.",
                    legal_form="Sociedad por acciones simplificada",
                    registration=IdentityDocument(
                        kind=IdDocumentKind.COMPANY_REGISTRATION,
                        number="NIT 901.000.417-3",
                        issuing_state="CO",
                    ),
                    representative="Wilmer Andrés Castaño Ríos, representante legal",
                ),
            ),
        ],
        officials_to_attend=[
            OfficialToAttend(
                function="Fiscal provincial a cargo de la investigación",
                authority_id="PE-MP-FETP-MDD",
                language="es",
                official=official("Carmen Rosa Quispe Huamán"),
            )
        ],
        assurances=[Assurance(kind=AssuranceKind.SPECIALITY)],
        signatory=Signatory(
            title="Juez de investigación preparatoria",
            signed_at=sample_time(-2),
            official=official("Jorge Luis Mamani Ccori"),
        ),
    )


CO_EXECUTING = Authority(
    authority_id="CO-FGN-DEDH-TRATA-CALI",
    designation="Fiscalía General de la Nación – Grupo de Trata de Personas, Seccional Cali",
    kind=AuthorityKind.PROSECUTOR,
    state="CO",
)
USE_CONDITION = Condition(
    condition_id="C1",
    kind=ConditionKind.USE_LIMITATION,
    text="La información solo podrá usarse en el proceso 00412-2025 y en procesos conexos por "
    "trata de personas.",
)
ATTENDANCE_CONDITION = Condition(
    condition_id="C2",
    kind=ConditionKind.PRESENCE_OF_OFFICIALS,
    text="Los funcionarios peruanos podrán asistir como observadores, sin facultades de ejecución.",
)


def peru_colombia() -> list[Document[Any]]:
    """Case 2: consultation, acceptance with conditions, postponement, a substituted search."""
    c = conversation(
        "mla/pe-co-forced-labour",
        "PE-CO-2026-000622",
        PE_CENTRAL,
        CO_CENTRAL,
        [LegalBasis.UNTOC_ART18, LegalBasis.IACMAMC_1992],
    )
    request = c.message(_pe_co_request(), at=sample_time(0))
    c.message(
        Acknowledgement(
            received_at=sample_time(1), received_by="CO-FGN-DAI", requested_ref="DAI-2026-00977"
        ),
        at=sample_time(4),
        from_opener=False,
        reply_to=request,
    )
    c.message(
        StatusReport(reported_state=MlaState.UNDER_ASSESSMENT, next_step=NextStep.DECISION),
        at=sample_time(6),
        from_opener=False,
    )
    proposal = c.message(
        ConsultationProposal(
            subject=ConsultationSubject.CONDITIONS_FOR_ASSISTANCE,
            conditions=[USE_CONDITION, ATTENDANCE_CONDITION],
            if_declined=ConsultationFallback.PARTIAL_REFUSAL,
            respond_by=sample_date(30),
        ),
        at=sample_time(15),
        from_opener=False,
    )
    c.message(ConsultationReply(accepted=True), at=sample_time(18), reply_to=proposal)
    c.message(
        DecisionNotice(
            decision=Decision.ACCEPTED_WITH_CONDITIONS,
            conditions=[USE_CONDITION, ATTENDANCE_CONDITION],
            executing_authority=CO_EXECUTING,
            expected_completion=sample_date(80),
        ),
        at=sample_time(20),
        from_opener=False,
    )
    c.message(
        PostponementNotice(
            reason=PostponementReason.DOMESTIC_INVESTIGATION_INTERFERENCE,
            note="La Fiscalía colombiana tiene programados actos urgentes contra la misma agencia.",
            until=sample_date(70),
            measure_ids=["M2"],
            consultation_held=True,
        ),
        at=sample_time(25),
        from_opener=False,
    )
    c.message(
        StatusReport(
            reported_state=MlaState.IN_EXECUTION, next_step=NextStep.EXECUTION_OF_MEASURES
        ),
        at=sample_time(70),
        from_opener=False,
    )
    store = "Fiscalía General de la Nación – Almacén de evidencias, Cali"
    c.message(
        ExecutionReport(
            outcome=ExecutionOutcome.EXECUTED,
            results=[
                MeasureResult(
                    measure_id="M1",
                    status=MeasureStatus.COMPLETED,
                    executed_at=sample_time(74),
                    evidence_items=[
                        EvidenceItem(
                            item_id="E1",
                            kind=EvidenceKind.DOCUMENT,
                            description=text("Certificado de movimientos migratorios."),
                            delivery=EvidenceDelivery.ATTACHED,
                            sha256=digest("pe-co/E1"),
                            custody_chain=[
                                custody(
                                    "Migración Colombia – Grupo de Verificación Migratoria",
                                    CustodyAction.PRODUCED_BY_THIRD_PARTY,
                                    sample_time(73),
                                    sample_time(74),
                                ),
                                custody(
                                    "Fiscalía General de la Nación – Dirección de Asuntos "
                                    "Internacionales",
                                    CustodyAction.RECEIVED,
                                    sample_time(74),
                                    authority_id="CO-FGN-DAI",
                                ),
                            ],
                        )
                    ],
                ),
                MeasureResult(
                    measure_id="M2",
                    status=MeasureStatus.SUBSTITUTED,
                    substituted_by=MeasureType.EVIDENCE_ALREADY_HELD,
                    reason="La oficina ya fue allanada en la investigación colombiana; se "
                    "comparten los elementos incautados entonces.",
                    executed_at=sample_time(86),
                    evidence_items=[
                        EvidenceItem(
                            item_id="E2",
                            kind=EvidenceKind.PHYSICAL_OBJECT,
                            description=text(
                                "Cuaderno manuscrito con nombres, documentos y campamento de "
                                "destino de las personas enviadas."
                            ),
                            delivery=EvidenceDelivery.DIPLOMATIC_BAG,
                            custody_chain=[
                                custody(
                                    "Cuerpo Técnico de Investigación – Seccional Cali",
                                    CustodyAction.SEIZED,
                                    sample_time(49),
                                    sample_time(50),
                                    person=official("Diego Fernando Arango", "CTI-22817"),
                                ),
                                custody(
                                    store, CustodyAction.STORED, sample_time(50), sample_time(86)
                                ),
                                custody(
                                    "Fiscalía General de la Nación – Dirección de Asuntos "
                                    "Internacionales",
                                    CustodyAction.DISPATCHED,
                                    sample_time(86),
                                    authority_id="CO-FGN-DAI",
                                ),
                            ],
                            certification="Embalado y rotulado con el rótulo de cadena de "
                            "custodia N° 760016000193202600417",
                        ),
                        EvidenceItem(
                            item_id="E3",
                            kind=EvidenceKind.CERTIFIED_COPY,
                            description=text("Copia escaneada y certificada del cuaderno."),
                            delivery=EvidenceDelivery.ATTACHED,
                            sha256=digest("pe-co/E3"),
                            custody_chain=[
                                custody(store, CustodyAction.COPIED, sample_time(85)),
                            ],
                        ),
                    ],
                ),
                MeasureResult(
                    measure_id="M3",
                    status=MeasureStatus.COMPLETED,
                    executed_at=sample_time(72),
                    evidence_items=[
                        EvidenceItem(
                            item_id="E4",
                            kind=EvidenceKind.PUBLIC_RECORD_COPY,
                            description=text("Certificado de existencia y representación legal."),
                            delivery=EvidenceDelivery.ATTACHED,
                            sha256=digest("pe-co/E4"),
                            custody_chain=[
                                custody(
                                    "Cámara de Comercio de Cali",
                                    CustodyAction.PRODUCED_BY_THIRD_PARTY,
                                    sample_time(72),
                                )
                            ],
                        )
                    ],
                ),
            ],
            conditions=[USE_CONDITION],
            originals_to_be_returned=True,
            return_originals_by=sample_date(365),
            costs_incurred=CostStatement(extraordinary=False),
        ),
        at=sample_time(90),
        from_opener=False,
        attachments=[
            attachment("pe-co/E1", "application/pdf", 88_064, "Movimientos migratorios"),
            attachment("pe-co/E3", "application/pdf", 12_582_912, "Copia del cuaderno"),
            attachment("pe-co/E4", "application/pdf", 45_056, "Certificado de la Cámara"),
        ],
    )
    c.message(
        ClosureNotice(final_state=FinalState.EXECUTED, closed_at=sample_time(120)),
        at=sample_time(120),
        from_opener=False,
    )
    return c.documents
