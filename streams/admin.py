"""Create investwire's topics as `schemas/topics.py` declares them.

`python -m streams.admin` does it for the broker in KAFKA_BROKER (what the compose file's
`topics` service runs); workers do it themselves at start.
"""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas.topics import FACTS, TOPICS
from streams.settings import Settings


class TopicMismatchError(RuntimeError):
    """A topic exists with a layout the workers cannot use."""


async def ensure_topics(broker: str, partitions: int) -> None:
    """Create the declared topics that are missing; refuse a facts topic with other partitions,
    since a province's rows belong to the partition its code hashes to."""
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                spec.name,
                num_partitions=spec.partitions or partitions,
                replication_factor=1,
                topic_configs=spec.config,
            )
            for spec in TOPICS.values()
            if spec.name not in existing
        ]
        if wanted:
            await admin.create_topics(wanted)
        (facts,) = await admin.describe_topics([FACTS.name])
        if len(facts["partitions"]) != partitions:
            raise TopicMismatchError(
                f"{FACTS.name} has {len(facts['partitions'])} partitions, "
                f"INVESTWIRE_PARTITIONS is {partitions}"
            )
    finally:
        await admin.close()


if __name__ == "__main__":
    settings = Settings()
    if settings.broker is None:
        raise SystemExit("set KAFKA_BROKER to the broker to create the topics on")
    asyncio.run(ensure_topics(settings.broker, settings.partitions))
    print("\n".join(sorted(TOPICS)))
