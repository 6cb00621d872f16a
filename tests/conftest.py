"""Shared fixtures: where the real services are (scripts/bootstrap sets them up)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """The RabbitMQ broker the tests talk to."""
    return os.environ.get("PUENTE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL database the tests talk to (role and database made by scripts/bootstrap)."""
    return os.environ.get(
        "PUENTE_TEST_POSTGRES_URL", "postgresql://puente:puente@127.0.0.1:5432/puente_test"
    )
