"""Repatriation between BR (where a Paraguayan woman was identified as a presumed victim) and PY
(her state): the drafts of each message with times relative to now, and the users acting on the
nodes' APIs. The person is fictional."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from gateway.store import FINAL_STATES, OutboxMessage
from messages.base import WireModel
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
    HoldNotice,
    ReintegrationFollowUp,
    ResumeNotice,
    ReturnPlan,
    ReturnScheduled,
    SafetyRiskAssessment,
)
from messages.repatriation.sections import (
    Consent,
    FollowUpNotes,
    IdentityDocument,
    Itinerary,
    ReceptionOrganisation,
    RiskNarrative,
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
    ConsentGiver,
    ConsentPurpose,
    ContactStatus,
    DocumentHandover,
    EscortKind,
    HoldReason,
    IdentifyingAuthorityKind,
    IdentityDocumentKind,
    InstitutionType,
    Mitigation,
    NationalityIndication,
    NeedFlag,
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
from national_node.federation import local_federation
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest, authority_of, with_users
from tests.national_node.rabbit_kit import state_brokers

CASES = "/repatriation/cases"
ALL_PURPOSES = [
    ConsentPurpose.CONSULAR_ASSISTANCE,
    ConsentPurpose.NATIONALITY_VERIFICATION,
    ConsentPurpose.TRAVEL_DOCUMENTS,
    ConsentPurpose.RISK_ASSESSMENT,
    ConsentPurpose.RETURN_ARRANGEMENTS,
]
PY_CONSULATE = {
    "state": "PY",
    "authority_id": authority_of("PY", Role.CONSULAR_OFFICER),
    "role": "CONSULAR_POST",
}

VICTIM = VictimIdentity(
    given_names="Liz Carolina",
    family_names="Ayala Sanabria",
    sex=Sex.FEMALE,
    date_of_birth=date(2000, 5, 17),
    place_of_birth="Caaguazú, Departamento de Caaguazú",
    mother_names="Teodora Sanabria",
    documents=[
        IdentityDocument(
            kind=IdentityDocumentKind.NATIONAL_ID_CARD, number="4812337", issuing_state="PY"
        )
    ],
    phone_numbers=["+595 981 555 0142"],
)
STATEMENT = VictimStatement(
    statement="Quiero volver con mi madre y mi hijo a Caaguazú.", language="es"
)
TRAVEL = TravelArrangements(
    mode=TravelMode.AIR,
    escort=EscortKind.NGO,
    arrival_point="Aeropuerto Internacional Silvio Pettirossi (ASU), Luque",
    reception=ReceptionOrganisation(
        kind=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
        organisation_id="PY-MINMUJER-DG-TRATA",
    ),
    medical_needs=False,
)


def now(**delta: float) -> datetime:
    """Now plus ``delta``, in whole seconds (as the node stamps messages)."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(**delta)


def today(days: int = 0) -> date:
    return (datetime.now(UTC) + timedelta(days=days)).date()


def data(model: WireModel) -> dict[str, Any]:
    """A wire model as a draft's body holds it."""
    result: dict[str, Any] = json.loads(model.model_dump_json(exclude_none=True))
    return result


def draft(body: WireModel, **header: Any) -> dict[str, Any]:
    return {"message_type": str(type(body).MESSAGE_TYPE), "body": data(body), **header}  # type: ignore[attr-defined]


def consent(
    recorded_at: datetime | None = None,
    scope: list[ConsentPurpose] | None = None,
    withdrawn_at: datetime | None = None,
) -> Consent:
    return Consent(
        given=True,
        scope=ALL_PURPOSES if scope is None else scope,
        given_by=ConsentGiver.VICTIM,
        recorded_at=recorded_at or now(days=-55),
        withdrawn_at=withdrawn_at,
        informed_in="es",
    )


def notice(
    agreed: Consent, *, proceedings: bool = True, identity: bool = True
) -> VictimIdentifiedNotice:
    return VictimIdentifiedNotice(
        identified_at=now(days=-60),
        identifying_authority_kind=IdentifyingAuthorityKind.LAW_ENFORCEMENT,
        presumed_nationality="PY",
        age_group=AgeGroup.ADULT,
        unaccompanied_child=False,
        consent=agreed,
        needs=[NeedFlag.SHELTER, NeedFlag.PSYCHOSOCIAL, NeedFlag.LEGAL],
        legal_proceedings_pending=proceedings,
        victim_wishes=VictimWishes.RETURN,
        victim=VICTIM if identity and agreed.in_force else None,
        victim_statement=STATEMENT if identity and agreed.in_force else None,
    )


def first_notice(agreed: Consent, *, proceedings: bool = True) -> dict[str, Any]:
    return draft(notice(agreed, proceedings=proceedings), recipient=PY_CONSULATE)


def verification_request(agreed: Consent) -> NationalityVerificationRequest:
    return NationalityVerificationRequest(
        verify=VerificationScope.NATIONALITY,
        indications=[NationalityIndication.DOCUMENT_SEEN, NationalityIndication.OWN_STATEMENT],
        victim=VICTIM,
        consent=agreed,
    )


def verification_result() -> NationalityVerificationResult:
    return NationalityVerificationResult(
        outcome=VerificationOutcome.CONFIRMED_NATIONAL,
        verified_at=now(minutes=-5),
        sources=[VerificationSource.NATIONAL_ID_REGISTRY, VerificationSource.CIVIL_REGISTRY],
    )


def assessment(
    level: RiskLevel,
    *,
    assessed_at: datetime | None = None,
    assessor: AssessorKind = AssessorKind.DESTINATION_VICTIM_SERVICES,
) -> SafetyRiskAssessment:
    return SafetyRiskAssessment(
        risk_level=level,
        risk_factors=[] if level is RiskLevel.LOW else [RiskFactor.DEBT, RiskFactor.STIGMA],
        mitigations=[Mitigation.SHELTER_ON_ARRIVAL, Mitigation.FAMILY_MEDIATION],
        assessed_at=assessed_at or now(minutes=-10),
        assessor_kind=assessor,
        narrative=RiskNarrative(
            narrative="La recrutadora cobró a la familia una supuesta deuda de viaje."
        ),
    )


def return_plan() -> ReturnPlan:
    return ReturnPlan(
        earliest_travel_date=today(),
        latest_travel_date=today(10),
        travel=TRAVEL,
        planned_assistance=[AssistanceType.SHELTER, AssistanceType.PSYCHOSOCIAL],
    )


def travel_document_request(agreed: Consent) -> TravelDocumentRequest:
    return TravelDocumentRequest(
        document_kind=TravelDocumentKind.LAISSEZ_PASSER, planned_travel_date=today(), consent=agreed
    )


def travel_document_issued(agreed: Consent) -> TravelDocumentIssued:
    return TravelDocumentIssued(
        document_kind=TravelDocumentKind.LAISSEZ_PASSER,
        issued_on=today(),
        valid_until=today(30),
        single_journey=True,
        handover=DocumentHandover.HELD_BY_CONSULAR_POST,
        document=TravelDocumentDetails(document_number="SC-SP-2026-000318"),
        consent=agreed,
    )


def return_scheduled() -> ReturnScheduled:
    return ReturnScheduled(
        travel_date=today(),
        expected_arrival_date=today(),
        travel=TRAVEL,
        itinerary=Itinerary(legs=["Vuelo GRU 08:40 -> ASU 10:55 (horas locales)"]),
    )


def hold(reason: HoldReason) -> HoldNotice:
    return HoldNotice(reason=reason)


def resume(reason: HoldReason) -> ResumeNotice:
    return ResumeNotice(hold_reason=reason)


def arrival(arrived_at: datetime) -> ArrivalConfirmed:
    return ArrivalConfirmed(
        arrived_at=arrived_at,
        received_by=InstitutionType.CENTRAL_GOVERNMENT_ORGANISATION,
        immediate_assistance=[AssistanceType.SHELTER, AssistanceType.MEDICAL],
    )


def follow_up(visit: int) -> ReintegrationFollowUp:
    return ReintegrationFollowUp(
        visit_at=now(minutes=-30),
        visit_number=visit,
        contact_status=ContactStatus.IN_CONTACT,
        assistance_rendered=[AssistanceType.PSYCHOSOCIAL, AssistanceType.VOCATIONAL],
        referred_to=[InstitutionType.NGO],
        recovery_stage=RecoveryStage.RECOVERY,
        next_visit_due=today(90),
        consent=consent(now(hours=-2), [ConsentPurpose.REINTEGRATION_FOLLOW_UP]),
        notes=FollowUpNotes(notes="Vive con su madre; asiste a terapia quincenal."),
    )


def closure() -> CaseClosure:
    return CaseClosure(
        reason=ClosureReason.DECLINED_FURTHER_ASSISTANCE,
        closed_at=now(minutes=-1),
        follow_up_visits=1,
        final_recovery_stage=RecoveryStage.RECOVERY,
    )


# --- acting on the API ----------------------------------------------------------------------


async def wait_for(predicate: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def settled(nodes: NodesUnderTest) -> None:
    """Wait until nothing is in flight between the nodes: every envelope of every node has its
    receipt, every receipt is out. A test ends so, so that no gateway is stopped in the middle
    of filing a message (its transaction would hold locks while the test's databases go)."""

    async def quiet() -> bool:
        for node in nodes.federation.nodes.values():
            async with node.session() as session:
                pending = await session.exec(
                    select(OutboxMessage.id).where(col(OutboxMessage.state).not_in(FINAL_STATES))
                )
                if pending.first() is not None:
                    return False
        return True

    await wait_for(quiet)


@dataclass
class Desk:
    """A user of one node, working a case through the API."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    prefix: str = CASES

    @classmethod
    async def of(cls, nodes: NodesUnderTest, state: str, role: Role, prefix: str = CASES) -> Desk:
        return cls(nodes.clients[state], await nodes.headers(state, role), prefix)

    async def open(self, first: dict[str, Any]) -> dict[str, Any]:
        """Open a case with its first message and send it; the case after sending."""
        created = await self.client.post(self.prefix, json=first, headers=self.headers)
        assert created.status_code == 201, created.text
        return await self.send_draft(created.json()["id"])

    async def send_draft(self, case_id: str) -> dict[str, Any]:
        sent = await self.client.post(f"{self.prefix}/{case_id}/draft/send", headers=self.headers)
        assert sent.status_code == 200, sent.text
        result: dict[str, Any] = sent.json()
        return result

    async def attempt(self, case_id: str, message: dict[str, Any]) -> httpx.Response:
        return await self.client.post(
            f"{self.prefix}/{case_id}/messages", json=message, headers=self.headers
        )

    async def send(self, case_id: str, message: dict[str, Any]) -> dict[str, Any]:
        sent = await self.attempt(case_id, message)
        assert sent.status_code == 200, sent.text
        result: dict[str, Any] = sent.json()
        return result

    async def event(self, case_id: str, event: str) -> dict[str, Any]:
        done = await self.client.post(
            f"{self.prefix}/{case_id}/events/{event}", headers=self.headers
        )
        assert done.status_code == 200, done.text
        result: dict[str, Any] = done.json()
        return result

    async def case(self, case_id: str) -> dict[str, Any]:
        read = await self.client.get(f"{self.prefix}/{case_id}", headers=self.headers)
        assert read.status_code == 200, read.text
        result: dict[str, Any] = read.json()
        return result

    async def find(self, case_ref: str) -> str:
        """The id of this node's case ``case_ref``, once it has arrived."""
        found: list[str] = []

        async def arrived() -> bool:
            listed = await self.client.get(self.prefix, headers=self.headers)
            found[:] = [c["id"] for c in listed.json() if c["case_ref"] == case_ref]
            return bool(found)

        await wait_for(arrived)
        return found[0]

    async def reaches(self, case_id: str, state: str, entries: int) -> dict[str, Any]:
        """The case once it has ``entries`` entries and is in ``state``."""
        seen: dict[str, Any] = {}

        async def there() -> bool:
            seen.update(await self.case(case_id))
            return len(seen["entries"]) >= entries and seen["state"] == state

        await wait_for(there)
        return seen

    async def delivered(self, case_id: str) -> dict[str, Any]:
        """The case once every message it sent has the recipient's receipt."""
        seen: dict[str, Any] = {}

        async def receipted() -> bool:
            seen.update(await self.case(case_id))
            sent = [e for e in seen["entries"] if e["direction"] == "sent"]
            return all(e["transport"]["state"] == "delivered" for e in sent)

        await wait_for(receipted)
        return seen


@asynccontextmanager
async def over_the_broker(
    engines: dict[str, AsyncEngine], roles: tuple[Role, ...]
) -> AsyncIterator[NodesUnderTest]:
    """Nodes of ``engines``' states on the real RabbitMQ (a vhost per state, linked by shovels
    as in a deployment, as in rabbit_kit) with a user of each of ``roles``, gateways running;
    the vhosts and their users are deleted afterwards."""
    async with state_brokers(engines) as brokers, AsyncExitStack() as stack:
        federation = await local_federation(engines, transport=brokers.transport)
        stack.push_async_callback(federation.close)
        nodes = await with_users(stack, federation, roles)
        await federation.start()
        yield nodes
