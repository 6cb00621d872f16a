"""Helpers for the mla sample documents: deterministic tokens and digests, the authorities of
the sample states, handling conditions. Every person in the samples is fictional."""

from __future__ import annotations

import hashlib
from base64 import urlsafe_b64encode
from datetime import datetime

from messages.header import AttachmentRef, Handling, LegalBasisRef, NodeAuthority
from messages.mla.models_common import OfficialIdentity, SealedText
from messages.mla.models_execution import CustodyEntry
from messages.mla.vocab import CustodyAction
from messages.samples import Conversation, sample_date, sample_uuid
from messages.vocab import AuthorityRole, Classification, LegalBasis, UseLimitation

MLA_ROLES_TO_KNOW = [AuthorityRole.CENTRAL_AUTHORITY, AuthorityRole.PROSECUTOR, AuthorityRole.JUDGE]


def token(name: str) -> str:
    """A stable subject token for the sample person ``name``."""
    return "sbj_" + urlsafe_b64encode(sample_uuid(f"subject/{name}").bytes).rstrip(b"=").decode()


def digest(name: str) -> str:
    """A stable SHA-256 for the sample file ``name``."""
    return hashlib.sha256(f"puente-sample/{name}".encode()).hexdigest()


def text(value: str) -> SealedText:
    return SealedText(text=value)


def official(full_name: str, staff_number: str | None = None) -> OfficialIdentity:
    return OfficialIdentity(full_name=full_name, staff_number=staff_number)


def attachment(name: str, media_type: str, size: int, title: str) -> AttachmentRef:
    return AttachmentRef(sha256=digest(name), media_type=media_type, size_bytes=size, title=title)


def custody(
    holder: str,
    action: CustodyAction,
    held_from: datetime,
    held_until: datetime | None = None,
    *,
    authority_id: str | None = None,
    person: OfficialIdentity | None = None,
) -> CustodyEntry:
    return CustodyEntry(
        holder=holder,
        holder_authority_id=authority_id,
        official=person,
        action=action,
        held_from=held_from,
        held_until=held_until,
    )


def handling(limitation: UseLimitation = UseLimitation.STATED_PURPOSE_ONLY) -> Handling:
    return Handling(
        use_limitation=limitation,
        no_onward_transmission=True,
        need_to_know_roles=MLA_ROLES_TO_KNOW,
        retention_until=sample_date(10 * 365),
    )


def central(state: str, authority_id: str) -> NodeAuthority:
    return NodeAuthority(
        state=state, authority_id=authority_id, role=AuthorityRole.CENTRAL_AUTHORITY
    )


AR_CENTRAL = central("AR", "AR-MRECIC-DAJIN")
PY_CENTRAL = central("PY", "PY-MJ-AUTORIDAD-CENTRAL")
PE_CENTRAL = central("PE", "PE-MP-UCJIE")
CO_CENTRAL = central("CO", "CO-FGN-DAI")
BR_CENTRAL = central("BR", "BR-MJSP-DRCI")
CL_CENTRAL = central("CL", "CL-MP-UCIEX")
MX_CENTRAL = central("MX", "MX-FGR-DGPI")
UY_CENTRAL = central("UY", "UY-MEC-AUTORIDAD-CENTRAL")


def conversation(
    name: str,
    case_ref: str,
    opener: NodeAuthority,
    counterpart: NodeAuthority,
    bases: list[LegalBasis],
    *,
    classification: Classification = Classification.RESTRICTED,
    language: str = "es",
) -> Conversation:
    return Conversation(
        name=name,
        case_ref=case_ref,
        opener=opener,
        counterpart=counterpart,
        legal_basis=[LegalBasisRef(basis=basis) for basis in bases],
        classification=classification,
        handling=handling(),
        language=language,
    )
