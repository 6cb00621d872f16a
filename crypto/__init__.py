"""Puente's cryptography: the puente/1 sealed envelope, node keys, the federation directory.

The safe API:

- :func:`crypto.envelope.seal_envelope` / :func:`crypto.envelope.open_envelope` and the one
  error they raise, :class:`crypto.errors.EnvelopeError` (with a puente/1 reason code);
- :mod:`crypto.trust`: the protocols the envelope needs (directory lookup, this node's keys);
- :mod:`crypto.jwk`: keys as JWK and their RFC 7638 thumbprints.
- :mod:`crypto.keys`: a node's key ring (:class:`crypto.keys.Keyring`), encrypted at rest;
- :mod:`crypto.directory`: the federation directory (:class:`crypto.directory.Directory`,
  :func:`crypto.directory.choose_recipient_key`), specified in ``docs/directory.md``.

``crypto._hazmat`` holds strict encodings and thin wrappers over ``cryptography`` primitives;
do not call it from outside this package except to build deliberately broken test vectors.
Depends only on :mod:`messages`. The envelope protocol is specified in ``docs/protocol.md``.
"""
