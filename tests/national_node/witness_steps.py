"""Witness protection between AR (whose programme protects a witness) and BR (asked to relocate
her): the drafts of each message with times relative to now, without the token (the node issues
it). The people are fictional."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from messages.witness_protection.models import (
    WPArrangementConcluded,
    WPCooperationDecision,
    WPCooperationRequest,
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
    DependantRelationship,
    DossierDisposition,
    IdentityDocumentKind,
    PostTerminationMeasure,
    ProceedingsStage,
    ProtectedPersonRole,
    TerminationStep,
    WPCondition,
    WPCostBearer,
    WPDecisionOutcome,
    WPMeasure,
    WPSex,
    WPSide,
    WPStatus,
    WPSubmission,
    WPTerminationReason,
    WPThreatLevel,
)
from national_node.roles import Role
from tests.national_node.conftest import authority_of
from tests.national_node.repatriation_steps import data, now, today

CASES = "/witness-protection/cases"
PLACEHOLDER = "wpt_" + "0" * 43
"""Builds a body; the drafts leave the token out for the node to fill in."""
MEASURES = [WPMeasure.TEMP_RELOCATION, WPMeasure.DOCUMENT_SUPPORT, WPMeasure.TESTIMONY_SUPPORT]


def unit(state: str) -> dict[str, str]:
    return {"state": state, "authority_id": authority_of(state, Role.WP_OFFICER), "role": "WP_UNIT"}


WITNESS = PersonIdentity(
    family_names="Aguirre Benítez",
    given_names="Rocío Belén",
    date_of_birth=date(1997, 3, 15),
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
            kind=IdentityDocumentKind.PASSPORT, number="AAF204118", issuing_state="AR"
        ),
    ],
)
DOSSIER = WPDossier(
    true_identity=WITNESS,
    programme_identity=PersonIdentity(
        family_names="Ledesma",
        given_names="Carolina",
        date_of_birth=date(1997, 2, 3),
        sex=WPSex.FEMALE,
        nationalities=["AR"],
    ),
    current_address=PostalAddress(
        lines=["Pasaje Los Ceibos 1432, departamento 3"],
        locality="Resistencia",
        region="Chaco",
        state="AR",
    ),
    dependants=[
        Dependant(
            identity=PersonIdentity(
                family_names="Aguirre",
                given_names="Martina Sol",
                date_of_birth=date(2019, 8, 30),
                sex=WPSex.FEMALE,
                nationalities=["AR"],
            ),
            relationship=DependantRelationship.CHILD,
        )
    ],
    relocation_constraints="Evitar Encarnación y el departamento de Itapúa: la red tiene "
    "contactos en la zona de frontera.",
    threat_narrative="La testigo declaró ante PROTEX contra los organizadores de la red. Desde "
    "enero recibe mensajes intimidatorios y un vehículo fue visto frente al domicilio "
    "protegido en dos ocasiones.",
    protection_conditions="Aceptó no contactar a familiares fuera del canal del Programa.",
    languages=["es", "gn"],
)


def sealed_values(dossier: dict[str, Any]) -> list[str]:
    """Every plaintext value of a dossier as drafted that says something of the person: each
    string that is not a code of the schema (FEMALE, AR, es, ...)."""
    values: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) > 2 and not re.fullmatch(r"[A-Z_]+", value):
            values.append(value)

    walk(dossier)
    return values


def leaked(text: str, values: list[str]) -> list[str]:
    """The ``values`` that appear in ``text`` (a response body), raw or JSON-escaped."""
    return [v for v in values if v in text or json.dumps(v)[1:-1] in text]


def body(model: Any) -> dict[str, Any]:
    """A body as a user drafts it: without the token."""
    result = data(model)
    result.pop("wp_token")
    return result


def request(**changes: Any) -> dict[str, Any]:
    """The body of the initial cooperation request, with ``changes``."""
    fields: dict[str, Any] = {
        "wp_token": PLACEHOLDER,
        "submission": WPSubmission.INITIAL,
        "measures": MEASURES,
        "in_national_programme": True,
        "principal_count": 1,
        "dependants_count": 1,
        "protected_person_role": ProtectedPersonRole.VICTIM_WITNESS,
        "proceedings_stage": ProceedingsStage.TRIAL_PENDING,
        "threat_level": WPThreatLevel.HIGH,
        "duration_requested_months": 18,
        "cost_bearer": WPCostBearer.REQUESTING,
        "sealed_dossier_ref": "PNPTI-DOS-2026-0042",
        "dossier": DOSSIER,
        **changes,
    }
    return body(WPCooperationRequest(**fields))


def first_request(host: str = "BR", **changes: Any) -> dict[str, Any]:
    return {
        "message_type": "WPCooperationRequest",
        "recipient": unit(host),
        "body": request(**changes),
    }


def message(model: Any) -> dict[str, Any]:
    return {"message_type": str(type(model).MESSAGE_TYPE), "body": body(model)}


def decision(arrangement_ref: str = "AR-BR-WP-2026-007") -> dict[str, Any]:
    return message(
        WPCooperationDecision(
            wp_token=PLACEHOLDER,
            decision=WPDecisionOutcome.ACCEPTED_WITH_CONDITIONS,
            accepted_measures=MEASURES,
            conditions=[
                WPCondition.REQUESTING_STATE_BEARS_COSTS,
                WPCondition.PERIODIC_THREAT_REASSESSMENT,
            ],
            arrangement_ref=arrangement_ref,
        )
    )


def arrangement() -> dict[str, Any]:
    return message(
        WPArrangementConcluded(
            wp_token=PLACEHOLDER,
            sender_side=WPSide.REQUESTING,
            arrangement_ref="AR-BR-WP-2026-007",
            measures=MEASURES,
            cost_bearer=WPCostBearer.REQUESTING,
            start_date=today(),
            end_date=today(548),
            review_interval_months=3,
            termination_conditions=[
                WPTerminationReason.THREAT_CEASED,
                WPTerminationReason.PROCEEDINGS_CONCLUDED,
            ],
        )
    )


def status(value: WPStatus) -> dict[str, Any]:
    return message(
        WPStatusUpdate(
            wp_token=PLACEHOLDER,
            status=value,
            next_review_at=None if value is WPStatus.RELOCATION_IN_PROGRESS else today(90),
            measures_in_force=MEASURES,
        )
    )


def termination_notice() -> dict[str, Any]:
    return message(
        WPTermination(
            wp_token=PLACEHOLDER,
            sender_side=WPSide.REQUESTING,
            step=TerminationStep.NOTICE,
            reason=WPTerminationReason.PROCEEDINGS_CONCLUDED,
            effective_at=now(seconds=-1),
            post_termination_measures=[PostTerminationMeasure.ASSISTED_RETURN_TO_REQUESTING_STATE],
        )
    )


def closure_confirmation() -> dict[str, Any]:
    return message(
        WPTermination(
            wp_token=PLACEHOLDER,
            sender_side=WPSide.HOST,
            step=TerminationStep.CLOSURE_CONFIRMATION,
            reason=WPTerminationReason.PROCEEDINGS_CONCLUDED,
            effective_at=now(seconds=-1),
            dossier_disposition=DossierDisposition.DESTROYED,
        )
    )
