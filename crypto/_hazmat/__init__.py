"""HAZARDOUS MATERIALS: strict encodings and thin wrappers over ``cryptography`` primitives.

Nothing here checks that an operation is *meaningful*: these helpers encode, parse, sign and
seal exactly what they are given. Use :func:`crypto.envelope.seal_envelope` and
:func:`crypto.envelope.open_envelope`, which apply the puente/1 rules in order; these modules
exist so that the rules are written once, and so that the test vectors can build deliberately
broken envelopes.
"""
