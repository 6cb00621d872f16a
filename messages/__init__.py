"""Puente's shared message schema: one Pydantic v2 model per message type of every family.

Entry points (import them from their modules; this package imports nothing so that a family
module can import the core without cycles):

- :func:`messages.registry.parse_document` parses and validates a document from its JSON form;
- :class:`messages.document.Document` and :class:`messages.document.Body`;
- :class:`messages.header.Header` and :data:`messages.header.SCHEMA_VERSION`;
- :func:`messages.sealed.iter_sealed` finds the sealed sections (personal data) of a document;
- :func:`messages.lifecycle.apply` moves a case through its family's lifecycle.

The catalogue of families, types, fields, rules and lifecycles is ``docs/messages.md``.
"""
