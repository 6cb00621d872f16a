"""Shared building blocks of the witness-protection samples: the units and the handling."""

from __future__ import annotations

from messages.header import AttachmentRef, Handling, LegalBasisRef, NodeAuthority, Urgency
from messages.samples import Conversation, sample_date
from messages.vocab import (
    AuthorityRole,
    Classification,
    LegalBasis,
    UrgencyLevel,
    UrgencyReason,
    UseLimitation,
)

AR_UNIT = NodeAuthority(state="AR", authority_id="AR-MJ-PNPTI", role=AuthorityRole.WP_UNIT)
PY_UNIT = NodeAuthority(state="PY", authority_id="PY-MP-PPTV", role=AuthorityRole.WP_UNIT)
CO_UNIT = NodeAuthority(state="CO", authority_id="CO-FGN-PPAVT", role=AuthorityRole.WP_UNIT)

UNITS_ONLY = [AuthorityRole.WP_UNIT]
TESTIMONY_READERS = [AuthorityRole.WP_UNIT, AuthorityRole.PROSECUTOR, AuthorityRole.JUDGE]
IMMEDIATE = Urgency(level=UrgencyLevel.IMMEDIATE, reasons=[UrgencyReason.RISK_TO_LIFE_OR_SAFETY])


def handling(readers: list[AuthorityRole], retention_days: int) -> Handling:
    """Handling of a sample WP message. A.5 rule 8: the retention date is the arrangement's
    planned end plus a retention period; the samples use one date that covers every case."""
    return Handling(
        use_limitation=UseLimitation.WITNESS_PROTECTION_ONLY,
        no_onward_transmission=True,
        need_to_know_roles=readers,
        retention_until=sample_date(retention_days),
    )


def conversation(
    name: str, case_ref: str, opener: NodeAuthority, host: NodeAuthority
) -> Conversation:
    """A case opened by the requesting unit ``opener`` with the host unit ``host``."""
    return Conversation(
        name=name,
        case_ref=case_ref,
        opener=opener,
        counterpart=host,
        legal_basis=[
            LegalBasisRef(basis=LegalBasis.UNTOC_ART24),
            LegalBasisRef(basis=LegalBasis.RECIPROCITY),
        ],
        classification=Classification.CONFIDENTIAL,
        handling=handling(UNITS_ONLY, 365 * 7),
        language="es",
    )


def attachment(seed: str, size: int) -> AttachmentRef:
    """An encrypted PDF for the host unit, named by a (made-up) digest and no title."""
    digest = (seed.encode().hex() * 8)[:64]
    return AttachmentRef(
        sha256=digest,
        media_type="application/pdf",
        size_bytes=size,
        encrypted_for=[PY_UNIT.authority_id],
    )
