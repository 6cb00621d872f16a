"""Puente's cryptography: the puente/1 sealed envelope, node keys, the federation directory.

Depends only on :mod:`messages`. The envelope protocol is specified in ``docs/protocol.md``.
"""
