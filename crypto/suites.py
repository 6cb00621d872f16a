"""The encryption suites of protocol puente/1. One fixed suite per ``enc`` name; nothing is
negotiated inside a message (docs/protocol.md, "Suites")."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from cryptography.hazmat.primitives import hpke

PROTOCOL_VERSION: Final = 1
SIGNATURE_ALG: Final = "Ed25519"


@dataclass(frozen=True)
class SuiteParams:
    """What an ``enc`` name fixes: the HPKE KEM, KDF and AEAD, and the recipient key's curve."""

    kem: hpke.KEM
    kdf: hpke.KDF
    aead: hpke.AEAD
    enc_length: int
    """Length of the HPKE encapsulated key that starts the JWS payload."""
    key_crv: str
    """The ``crv`` of the recipient's encryption key JWK."""


class Suite(StrEnum):
    """An ``enc`` value of puente/1."""

    X25519 = "HPKE-X25519-SHA256-A256GCM"
    """RFC 9180: DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, AES-256-GCM 0x0002."""
    MLKEM768_X25519 = "HPKE-MLKEM768X25519-SHA256-A256GCM"
    """Hybrid post-quantum KEM ML-KEM-768 + X25519 (draft-ietf-hpke-pq), same KDF and AEAD."""

    @property
    def params(self) -> SuiteParams:
        return _PARAMS[self]

    def hpke(self) -> hpke.Suite:
        """The ``cryptography`` HPKE suite object."""
        params = _PARAMS[self]
        return hpke.Suite(params.kem, params.kdf, params.aead)


_PARAMS: Final = {
    Suite.X25519: SuiteParams(
        hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM, 32, "X25519"
    ),
    Suite.MLKEM768_X25519: SuiteParams(
        hpke.KEM.MLKEM768_X25519,
        hpke.KDF.HKDF_SHA256,
        hpke.AEAD.AES_256_GCM,
        hpke.KEM.MLKEM768_X25519.enc_length(),
        "MLKEM768-X25519",
    ),
}

AEAD_TAG_LENGTH: Final = 16
