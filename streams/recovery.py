"""Faust's table manager and recovery, with two changes: no fixed sleep at start, and stream
partitions that resume only after the agents' queues were emptied.

At the end of every rebalance Faust resumes the stream partitions, seeks them to the committed
offsets, and then resumes flow control, which empties the agents' queues. Whatever the fetcher
delivered while the seek was under way is thrown away there, after it was counted as read, so it
is never fetched again; and aiokafka seeks only partitions whose committed offset is above 0, so
a partition the group has never committed on is not rewound at all. Those records were never
processed nor acknowledged: the group's commits stop below the first of them and the worker looks
idle with lag. The wider the seek's window, the more is lost: a slow broker, a long rebuild before
it (measured: 19–20 records a partition lost after a restart on 100,000 ledger states, on a busy
machine). Here the stream partitions are sought while still paused (to the committed offsets, or
where there are none to where `auto_offset_reset` says) and resume only once flow control has
emptied the queues (streams.consumer.HoldingConsumer).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import cast

from faust.tables import TableManager
from faust.tables.recovery import Recovery

from streams.consumer import HoldingConsumer


class OrderlyRecovery(Recovery):
    """Recovery that releases the stream partitions after the queues were emptied."""

    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        await self._resuming(super().on_recovery_completed(generation_id), generation_id)

    async def _resume_streams(self, generation_id: int = 0) -> None:
        await self._resuming(super()._resume_streams(generation_id), generation_id)

    async def _resuming(self, resume: Awaitable[None], generation_id: int) -> None:
        consumer = cast(HoldingConsumer, self.app.consumer)
        consumer.hold(generation_id)
        try:
            await resume
        finally:
            consumer.drop_hold()  # a no-op once flow resumed; otherwise a new rebalance took over


class PromptTableManager(TableManager):
    """Faust's table manager sleeps a fixed second at start, for tables declared late; ours is
    declared with the app, so recovery starts at once (a second of every start and replay)."""

    async def on_start(self) -> None:
        if not self.should_stop:
            await self._update_channels()
            await self.recovery.start()

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = OrderlyRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery
