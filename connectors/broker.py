"""Is the broker there, and which topics does it have — asked in a way that never creates a
topic (Kafka and Tansu create one on a metadata request that names it; a request for all
topics names none)."""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError


class BrokerUnreachableError(ConnectionError):
    """No broker answered at the address in time."""


async def topic_partitions(broker: str, timeout: float = 5.0) -> dict[str, int]:
    """Every topic on the broker with its partition count, or BrokerUnreachableError within
    `timeout` seconds."""
    admin = AIOKafkaAdminClient(bootstrap_servers=broker, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(admin.start(), timeout)
        described = await asyncio.wait_for(admin.describe_topics(None), timeout)
    except (TimeoutError, KafkaError, OSError) as e:
        why = f"no answer within {timeout:.0f} s" if isinstance(e, TimeoutError) else "connection failed"
        raise BrokerUnreachableError(
            f"cannot reach the broker at {broker} ({why}); is it running, is --broker or KAFKA_BROKER right?"
        ) from None
    finally:
        await admin.close()
    return {t["topic"]: len(t["partitions"]) for t in described}
