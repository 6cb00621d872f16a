"""Sample cases 3 to 6 of the mla family: the branches that end without full execution.

3. Brazil asks Argentina for bank operations and real-time monitoring: a consultation on an
   alternative is declined, monitoring is refused in part, the rest is accepted and then
   returned as not executable (IACMAMC art. 26).
4. Chile asks Peru for a covert investigation: refused as a whole.
5. Colombia asks Mexico to serve a summons (no summary of facts needed), then withdraws.
6. Uruguay asks Argentina for a copy of a case file; the information asked for never comes and
   the request lapses.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from messages.document import Document
from messages.mla.examples_base import (
    AR_CENTRAL,
    BR_CENTRAL,
    CL_CENTRAL,
    CO_CENTRAL,
    MX_CENTRAL,
    PE_CENTRAL,
    UY_CENTRAL,
    conversation,
    official,
    text,
    token,
)
from messages.mla.models_common import (
    Authority,
    Condition,
    NaturalPersonIdentity,
    PersonRef,
    SealedNarrative,
)
from messages.mla.models_execution import ExecutionReport, MeasureResult
from messages.mla.models_request import (
    CentralAuthorityRefs,
    EvidenceRequest,
    Offence,
    Proceeding,
    RequestedMeasure,
    RequestNarrative,
    Signatory,
    TargetIdentifier,
    TargetRef,
    TimeWindow,
)
from messages.mla.models_responses import (
    Acknowledgement,
    ClosureNotice,
    ConsultationProposal,
    ConsultationReply,
    DecisionNotice,
    InformationItem,
    InformationRequest,
    RefusalNotice,
    StatusInquiry,
    StatusReport,
    WithdrawalNotice,
)
from messages.mla.vocab import (
    AuthorityKind,
    ConditionKind,
    ConsultationFallback,
    ConsultationSubject,
    Decision,
    ExecutionOutcome,
    ExploitationForm,
    FinalState,
    InformationReason,
    InquiryReason,
    MeasureStatus,
    MeasureType,
    MlaState,
    OffenceCategory,
    PersonKind,
    PersonRole,
    ProceedingKind,
    RefusalGround,
    Sex,
    TargetKind,
    WithdrawalReason,
)
from messages.samples import sample_date, sample_time
from messages.vocab import LegalBasis


def _prosecutor(state: str, authority_id: str, designation: str, file_ref: str) -> Authority:
    return Authority(
        authority_id=authority_id,
        designation=designation,
        kind=AuthorityKind.PROSECUTOR,
        state=state,
        file_ref=file_ref,
        functions="Conduz a investigação criminal"
        if state == "BR"
        else "Dirige la investigación penal",
    )


def _suspect(name: str, given: str, family: str, nationality: str) -> PersonRef:
    return PersonRef(
        subject_token=token(name),
        role=PersonRole.SUSPECT,
        kind=PersonKind.NATURAL,
        nationalities=[nationality],
        is_child=False,
        is_tip_victim=False,
        natural_person=NaturalPersonIdentity(given_names=given, family_names=family, sex=Sex.MALE),
    )


def brazil_argentina() -> list[Document[Any]]:
    """Case 3: consultation declined, partial refusal, partial acceptance, not executable."""
    c = conversation(
        "mla/br-ar-financial",
        "BR-AR-2026-004417",
        BR_CENTRAL,
        AR_CENTRAL,
        [LegalBasis.IACMAMC_1992, LegalBasis.UNTOC_ART18],
        language="pt-BR",
    )
    suspect = token("br-ar/suspect")
    account = TargetIdentifier(value="CBU 2850590940090418135201", details="Conta em pesos")
    request = c.message(
        EvidenceRequest(
            requesting_authority=_prosecutor(
                "BR",
                "BR-MPF-PRM-FOZ",
                "Ministério Público Federal – Procuradoria da República em Foz do Iguaçu",
                "PIC-1.25.003.000417-2025-11",
            ),
            requesting_authority_conducts=True,
            central_authority_refs=CentralAuthorityRefs(requesting="DRCI-2026-004417"),
            proceeding=Proceeding(
                kind=ProceedingKind.INVESTIGATION,
                stage="Procedimento investigatório criminal",
                domestic_file_no="PIC-1.25.003.000417-2025-11",
            ),
            offences=[
                Offence(
                    legal_classification="Tráfico de pessoas",
                    statutory_provisions=["Código Penal art. 149-A"],
                    category=OffenceCategory.TRAFFICKING_IN_PERSONS,
                    max_penalty_years=8,
                    exploitation_forms=[ExploitationForm.FORCED_LABOUR_OR_SERVICES],
                )
            ],
            facts_summary=SealedNarrative(
                text="Trabalhadores paraguaios foram aliciados para oficinas de costura em São "
                "Paulo e mantidos em servidão por dívida. Os pagamentos aos aliciadores eram "
                "feitos em uma conta argentina de Rodolfo Esteban Piñeiro."
            ),
            narrative=RequestNarrative(
                purpose="Identificar o fluxo financeiro dos aliciadores e os pagamentos em curso."
            ),
            measures=[
                RequestedMeasure(
                    measure_id="M1",
                    measure_type=MeasureType.BANK_OPERATIONS_INFO,
                    description=text("Extratos e operações da conta de 2024 a 2025."),
                    targets=[
                        TargetRef(
                            target_ref="T1",
                            kind=TargetKind.BANK_ACCOUNT,
                            subject_token=suspect,
                            identifier=account,
                        )
                    ],
                    time_window=TimeWindow(start=date(2024, 1, 1), end=date(2025, 12, 31)),
                ),
                RequestedMeasure(
                    measure_id="M2",
                    measure_type=MeasureType.REAL_TIME_MONITORING,
                    description=text("Monitoramento em tempo real das operações por 90 dias."),
                    targets=[
                        TargetRef(
                            target_ref="T2",
                            kind=TargetKind.BANK_ACCOUNT,
                            subject_token=suspect,
                            identifier=account,
                        )
                    ],
                    relevance_justification=text(
                        "Os pagamentos semanais revelam quem recebe o dinheiro da exploração "
                        "enquanto as vítimas continuam nas oficinas."
                    ),
                ),
            ],
            persons_concerned=[_suspect("br-ar/suspect", "Rodolfo Esteban", "Piñeiro", "AR")],
            signatory=Signatory(
                title="Procurador da República",
                authority_id="BR-MPF-PRM-FOZ",
                signed_at=sample_time(-1),
                official=official("Marcelo Augusto Teixeira"),
            ),
        ),
        at=sample_time(0),
    )
    c.message(
        Acknowledgement(
            received_at=sample_time(0, hours=5),
            received_by="AR-MRECIC-DAJIN",
            requested_ref="DAJIN-2026-01192",
        ),
        at=sample_time(3),
        from_opener=False,
        reply_to=request,
    )
    proposal = c.message(
        ConsultationProposal(
            subject=ConsultationSubject.ALTERNATIVE_MEASURE,
            conditions=[
                Condition(
                    condition_id="C1",
                    kind=ConditionKind.PROCEDURE,
                    text="Substituir o monitoramento em tempo real (M2) por extratos mensais "
                    "retroativos durante 90 dias.",
                )
            ],
            if_declined=ConsultationFallback.PARTIAL_REFUSAL,
            respond_by=sample_date(30),
        ),
        at=sample_time(12),
        from_opener=False,
    )
    c.message(
        ConsultationReply(
            accepted=False,
            reasons="Extratos retroativos não permitem identificar os recebedores a tempo de "
            "resgatar as vítimas.",
        ),
        at=sample_time(16),
        reply_to=proposal,
    )
    c.message(
        RefusalNotice(
            grounds=[RefusalGround.DOMESTIC_LAW_BARS_SIMILAR_MEASURE],
            reasons_text="A legislação argentina não prevê o monitoramento em tempo real de "
            "operações bancárias em casos internos semelhantes; a medida M2 não pode ser "
            "autorizada.",
            partial=True,
            measure_ids=["M2"],
            consultation_held=True,
        ),
        at=sample_time(22),
        from_opener=False,
    )
    c.message(
        DecisionNotice(
            decision=Decision.PARTIALLY_ACCEPTED,
            measure_ids=["M1"],
            executing_authority=Authority(
                designation="Juzgado Nacional en lo Criminal y Correccional Federal N° 3",
                kind=AuthorityKind.JUDGE,
                state="AR",
            ),
        ),
        at=sample_time(23),
        from_opener=False,
    )
    c.message(
        ExecutionReport(
            outcome=ExecutionOutcome.NOT_EXECUTABLE,
            results=[
                MeasureResult(
                    measure_id="M1",
                    status=MeasureStatus.NOT_PERFORMED,
                    reason="O Banco Central informou que o CBU não corresponde a nenhuma conta.",
                )
            ],
            explanation="A conta indicada não existe no sistema financeiro argentino. O pedido "
            "é devolvido e pode ser reapresentado com os dados corretos da conta.",
            originals_to_be_returned=False,
        ),
        at=sample_time(41),
        from_opener=False,
    )
    c.message(
        ClosureNotice(final_state=FinalState.NOT_EXECUTABLE, closed_at=sample_time(45)),
        at=sample_time(45),
    )
    return c.documents


def _simple_request(
    *,
    authority: Authority,
    file_no: str,
    offence: Offence,
    measure: RequestedMeasure,
    persons: list[PersonRef],
    facts: str | None,
    purpose: str,
    signatory_title: str,
    signatory_name: str,
) -> EvidenceRequest:
    return EvidenceRequest(
        requesting_authority=authority,
        requesting_authority_conducts=True,
        central_authority_refs=CentralAuthorityRefs(requesting=f"CA-{file_no}"),
        proceeding=Proceeding(
            kind=ProceedingKind.INVESTIGATION, stage="Investigación", domestic_file_no=file_no
        ),
        offences=[offence],
        facts_summary=SealedNarrative(text=facts) if facts else None,
        narrative=RequestNarrative(purpose=purpose),
        measures=[measure],
        persons_concerned=persons,
        signatory=Signatory(
            title=signatory_title, signed_at=sample_time(-1), official=official(signatory_name)
        ),
    )


TRAFFICKING_CL = Offence(
    legal_classification="Trata de personas",
    statutory_provisions=["Código Penal art. 411 quáter"],
    category=OffenceCategory.TRAFFICKING_IN_PERSONS,
    max_penalty_years=15,
    exploitation_forms=[ExploitationForm.FORCED_LABOUR_OR_SERVICES],
)


def chile_peru() -> list[Document[Any]]:
    """Case 4: a covert investigation refused as a whole, under the Inter-American Convention."""
    c = conversation(
        "mla/cl-pe-covert", "CL-PE-2026-000087", CL_CENTRAL, PE_CENTRAL, [LegalBasis.IACMAMC_1992]
    )
    request = c.message(
        _simple_request(
            authority=_prosecutor(
                "CL",
                "CL-FR-TARAPACA-ECOH",
                "Fiscalía Regional de Tarapacá – Equipo contra el Crimen Organizado",
                "RUC-2500412287-3",
            ),
            file_no="RUC-2500412287-3",
            offence=TRAFFICKING_CL,
            measure=RequestedMeasure(
                measure_id="M1",
                measure_type=MeasureType.COVERT_INVESTIGATION,
                description=text(
                    "Que un agente encubierto chileno contacte en Tacna a la red que recluta "
                    "trabajadores agrícolas para Pozo Almonte."
                ),
                targets=[
                    TargetRef(
                        target_ref="T1",
                        kind=TargetKind.ONLINE_ACCOUNT,
                        identifier=TargetIdentifier(value="Grupo de Facebook «Trabajo Chile 2026»"),
                    )
                ],
                relevance_justification=text(
                    "La red solo acepta a personas presentadas por sus propios reclutadores."
                ),
            ),
            persons=[],
            facts="Trabajadores peruanos reclutados en Tacna son retenidos en parcelas de Pozo "
            "Almonte sin salario y con sus documentos retenidos.",
            purpose="Identificar a los reclutadores que operan en Tacna.",
            signatory_title="Fiscal regional",
            signatory_name="Patricia Alejandra Rojas Vidal",
        ),
        at=sample_time(0),
    )
    c.message(
        Acknowledgement(
            received_at=sample_time(0, hours=6),
            received_by="PE-MP-UCJIE",
            requested_ref="UCJIE-2026-0310",
        ),
        at=sample_time(2),
        from_opener=False,
        reply_to=request,
    )
    c.message(
        StatusReport(reported_state=MlaState.UNDER_ASSESSMENT), at=sample_time(5), from_opener=False
    )
    c.message(
        RefusalNotice(
            grounds=[RefusalGround.DOMESTIC_LAW_BARS_SIMILAR_MEASURE, RefusalGround.OTHER],
            other_ground_text="La medida supone actos de agentes extranjeros en territorio "
            "peruano, que la Convención no prevé.",
            reasons_text="El Código Procesal Penal reserva el agente encubierto a funcionarios "
            "de la Policía Nacional del Perú autorizados por el fiscal peruano. La Fiscalía "
            "peruana ofrece investigar por sí misma a la red si Chile lo solicita.",
            partial=False,
            consultation_held=False,
        ),
        at=sample_time(30),
        from_opener=False,
    )
    c.message(
        ClosureNotice(final_state=FinalState.REFUSED, closed_at=sample_time(33)), at=sample_time(33)
    )
    return c.documents


def colombia_mexico() -> list[Document[Any]]:
    """Case 5: service of a summons (no summary of facts needed), then withdrawn."""
    c = conversation(
        "mla/co-mx-service",
        "CO-MX-2026-000145",
        CO_CENTRAL,
        MX_CENTRAL,
        [LegalBasis.IACMAMC_1992, LegalBasis.UNTOC_ART18],
    )
    accused = token("co-mx/accused")
    request = c.message(
        _simple_request(
            authority=_prosecutor(
                "CO",
                "CO-FGN-SECC-MEDELLIN",
                "Fiscalía General de la Nación – Seccional Medellín",
                "050016000206202500871",
            ),
            file_no="050016000206202500871",
            offence=Offence(
                legal_classification="Trata de personas",
                statutory_provisions=["Código Penal art. 188A"],
                category=OffenceCategory.TRAFFICKING_IN_PERSONS,
                exploitation_forms=[ExploitationForm.SEXUAL_EXPLOITATION],
            ),
            measure=RequestedMeasure(
                measure_id="M1",
                measure_type=MeasureType.SERVICE_OF_DOCUMENTS,
                description=text(
                    "Notificación personal de la citación a la audiencia de formulación de "
                    "imputación del 4 de mayo de 2026."
                ),
                targets=[TargetRef(target_ref="T1", kind=TargetKind.PERSON, subject_token=accused)],
            ),
            persons=[
                PersonRef(
                    subject_token=accused,
                    role=PersonRole.ACCUSED,
                    kind=PersonKind.NATURAL,
                    nationalities=["CO"],
                    is_child=False,
                    is_tip_victim=False,
                    natural_person=NaturalPersonIdentity(
                        given_names="Héctor Fabián", family_names="Londoño Vélez"
                    ),
                )
            ],
            facts=None,
            purpose="Citar al imputado a la audiencia de formulación de imputación.",
            signatory_title="Fiscal seccional",
            signatory_name="Luz Marina Restrepo Gil",
        ),
        at=sample_time(0),
    )
    c.message(
        Acknowledgement(
            received_at=sample_time(1), received_by="MX-FGR-DGPI", requested_ref="DGPI-2026-2291"
        ),
        at=sample_time(3),
        from_opener=False,
        reply_to=request,
    )
    c.message(StatusInquiry(reason=InquiryReason.ROUTINE), at=sample_time(20))
    c.message(
        WithdrawalNotice(
            reason=WithdrawalReason.ASSISTANCE_NO_LONGER_NEEDED,
            note="El imputado compareció voluntariamente ante el juzgado de Medellín.",
        ),
        at=sample_time(24),
    )
    c.message(
        ClosureNotice(final_state=FinalState.WITHDRAWN, closed_at=sample_time(26)),
        at=sample_time(26),
        from_opener=False,
    )
    return c.documents


def uruguay_argentina() -> list[Document[Any]]:
    """Case 6: the requested information never comes; the request lapses."""
    c = conversation(
        "mla/uy-ar-lapse",
        "UY-AR-2026-000052",
        UY_CENTRAL,
        AR_CENTRAL,
        [LegalBasis.IACMAMC_1992, LegalBasis.UNTOC_ART18],
    )
    request = c.message(
        _simple_request(
            authority=_prosecutor(
                "UY",
                "UY-FGN-FELCO",
                "Fiscalía Especializada en Delitos de Lavado y Crimen Organizado",
                "IUE-2-41877-2025",
            ),
            file_no="IUE-2-41877-2025",
            offence=Offence(
                legal_classification="Trata de personas",
                statutory_provisions=["Ley 19.643 art. 78"],
                category=OffenceCategory.TRAFFICKING_IN_PERSONS,
                exploitation_forms=[ExploitationForm.DOMESTIC_SERVITUDE],
            ),
            measure=RequestedMeasure(
                measure_id="M1",
                measure_type=MeasureType.EVIDENCE_ALREADY_HELD,
                description=text("Copia certificada del expediente argentino conexo."),
            ),
            persons=[],
            facts="Una trabajadora doméstica fue trasladada de Rivera a Buenos Aires y retenida "
            "sin salario; la justicia argentina tramita un expediente conexo.",
            purpose="Incorporar al proceso uruguayo la prueba reunida en Argentina.",
            signatory_title="Fiscal letrado",
            signatory_name="Gonzalo Martín Pereira Silva",
        ),
        at=sample_time(0),
    )
    c.message(
        Acknowledgement(
            received_at=sample_time(1),
            received_by="AR-MRECIC-DAJIN",
            requested_ref="DAJIN-2026-00740",
        ),
        at=sample_time(2),
        from_opener=False,
        reply_to=request,
    )
    c.message(
        InformationRequest(
            items=[
                InformationItem(
                    item_id="Q1",
                    field_path="measures[0].description",
                    reason=InformationReason.INCOMPLETE,
                    question=text(
                        "Indique el número del expediente argentino y el juzgado que lo tramita."
                    ),
                )
            ],
            respond_by=sample_date(40),
            clock_paused=True,
        ),
        at=sample_time(10),
        from_opener=False,
    )
    c.message(
        StatusReport(reported_state=MlaState.INFO_REQUESTED), at=sample_time(30), from_opener=False
    )
    c.message(
        ClosureNotice(
            final_state=FinalState.LAPSED,
            closed_at=sample_time(45),
            note="No se recibió la información solicitada; puede presentarse un nuevo pedido.",
        ),
        at=sample_time(45),
        from_opener=False,
    )
    return c.documents


def more_conversations() -> list[list[Document[Any]]]:
    return [brazil_argentina(), chile_peru(), colombia_mexico(), uruguay_argentina()]
