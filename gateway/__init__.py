"""Puente's transport between national nodes over a RabbitMQ-backed federation.

Depends on :mod:`crypto` and :mod:`messages`, never on :mod:`national_node`.
"""
