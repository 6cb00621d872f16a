"""Shared pieces of the repatriation samples: authorities, handling, consents, attachments.

Every person in the samples is fictional; institutions are plausible but identifiers invented.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final

from messages.header import AttachmentRef, Handling, LegalBasisRef, NodeAuthority
from messages.repatriation.sections import Consent
from messages.repatriation.vocab import ConsentGiver, ConsentPurpose
from messages.samples import Conversation, sample_date
from messages.vocab import AuthorityRole, Classification, LegalBasis, UseLimitation

# Destination-side authorities
BR_NETP_SP: Final = NodeAuthority(
    state="BR", authority_id="BR-SP-NETP", role=AuthorityRole.VICTIM_SERVICES
)
BR_NETP_PR: Final = NodeAuthority(
    state="BR", authority_id="BR-PR-NETP-FOZ", role=AuthorityRole.VICTIM_SERVICES
)
BR_NETP_MS: Final = NodeAuthority(
    state="BR", authority_id="BR-MS-NETP", role=AuthorityRole.VICTIM_SERVICES
)
AR_RESCATE: Final = NodeAuthority(
    state="AR", authority_id="AR-MJ-PROGRAMA-RESCATE", role=AuthorityRole.VICTIM_SERVICES
)
AR_CANCILLERIA: Final = NodeAuthority(
    state="AR", authority_id="AR-MRECIC-DIGAC", role=AuthorityRole.MFA
)

# Origin-side authorities (Paraguay)
PY_CONSULADO_SAO_PAULO: Final = NodeAuthority(
    state="PY", authority_id="PY-MRE-CONSULADO-SAO-PAULO", role=AuthorityRole.CONSULAR_POST
)
PY_CONSULADO_FOZ: Final = NodeAuthority(
    state="PY", authority_id="PY-MRE-CONSULADO-FOZ-DO-IGUACU", role=AuthorityRole.CONSULAR_POST
)
PY_CONSULADO_CAMPO_GRANDE: Final = NodeAuthority(
    state="PY", authority_id="PY-MRE-CONSULADO-CAMPO-GRANDE", role=AuthorityRole.CONSULAR_POST
)
PY_CONSULADO_BUENOS_AIRES: Final = NodeAuthority(
    state="PY", authority_id="PY-MRE-CONSULADO-BUENOS-AIRES", role=AuthorityRole.CONSULAR_POST
)
PY_MRE_CONNACIONALES: Final = NodeAuthority(
    state="PY", authority_id="PY-MRE-DG-CONNACIONALES", role=AuthorityRole.MFA
)
PY_MINMUJER: Final = NodeAuthority(
    state="PY", authority_id="PY-MINMUJER-DG-TRATA", role=AuthorityRole.VICTIM_SERVICES
)
PY_MINNA: Final = NodeAuthority(
    state="PY", authority_id="PY-MINNA-DG-PROTECCION", role=AuthorityRole.VICTIM_SERVICES
)

TIP_ART8: Final = [LegalBasisRef(basis=LegalBasis.TIP_PROTOCOL_ART8)]
VCCR_ART36: Final = [LegalBasisRef(basis=LegalBasis.VCCR_ART36)]

HANDLING: Final = Handling(
    use_limitation=UseLimitation.VICTIM_ASSISTANCE_ONLY,
    no_onward_transmission=True,
    need_to_know_roles=[
        AuthorityRole.CONSULAR_POST,
        AuthorityRole.MFA,
        AuthorityRole.VICTIM_SERVICES,
        AuthorityRole.CENTRAL_AUTHORITY,
    ],
    retention_until=sample_date(5 * 365),
)

PRE_RETURN_SCOPE: Final = [
    ConsentPurpose.CONSULAR_ASSISTANCE,
    ConsentPurpose.NATIONALITY_VERIFICATION,
    ConsentPurpose.TRAVEL_DOCUMENTS,
    ConsentPurpose.RISK_ASSESSMENT,
    ConsentPurpose.FAMILY_TRACING,
    ConsentPurpose.RETURN_ARRANGEMENTS,
]


def conversation(
    name: str, case_ref: str, opener: NodeAuthority, counterpart: NodeAuthority
) -> Conversation:
    """A repatriation case between two authorities, under TIP Protocol art. 8."""
    return Conversation(
        name=f"repatriation/{name}",
        case_ref=case_ref,
        opener=opener,
        counterpart=counterpart,
        legal_basis=list(TIP_ART8),
        classification=Classification.CONFIDENTIAL,
        handling=HANDLING,
        language="es",
    )


def consent(
    recorded_at: datetime,
    scope: list[ConsentPurpose] | None = None,
    *,
    given_by: ConsentGiver = ConsentGiver.VICTIM,
    withdrawn_at: datetime | None = None,
) -> Consent:
    """A consent given (in Spanish) for ``scope`` (by default every pre-return purpose)."""
    return Consent(
        given=True,
        scope=list(PRE_RETURN_SCOPE if scope is None else scope),
        given_by=given_by,
        recorded_at=recorded_at,
        withdrawn_at=withdrawn_at,
        informed_in="es",
    )


def digest(name: str) -> str:
    """A stable SHA-256 standing in for a sample file's content."""
    return hashlib.sha256(f"puente-sample:{name}".encode()).hexdigest()


def attachment(name: str, title: str, media_type: str, size: int, *to: str) -> AttachmentRef:
    """A sample attachment (a scanned document or photograph), encrypted to ``to``."""
    return AttachmentRef(
        sha256=digest(name),
        media_type=media_type,
        size_bytes=size,
        title=title,
        encrypted_for=list(to),
    )
