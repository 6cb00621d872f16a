"""The services the suite depends on are really there (scripts/bootstrap starts them)."""

from __future__ import annotations

import uuid

import aio_pika
import psycopg
import pytest


@pytest.mark.rabbitmq
@pytest.mark.asyncio
async def test_rabbitmq_round_trip_with_publisher_confirms(amqp_url: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(f"puente-test-{uuid.uuid4()}", exclusive=True)
        body = uuid.uuid4().bytes
        confirmation = await channel.default_exchange.publish(
            aio_pika.Message(body), routing_key=queue.name
        )
        assert confirmation is not None
        message = await queue.get(timeout=5)
        await message.ack()
        assert message.body == body


@pytest.mark.postgres
def test_postgresql_accepts_the_test_role(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, connect_timeout=5) as connection:
        row = connection.execute("SELECT current_user, current_database()").fetchone()
    assert row == ("puente", "puente_test")
