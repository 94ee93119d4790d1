"""The worker's turns: the agent furthest down the topology processes the next record."""

from __future__ import annotations

import asyncio

from streams.scheduling import DownstreamFirst
from streams.settings import Settings
from streams.topology import build_stages, depths


def test_depths_follow_the_topology():
    assert depths(build_stages(Settings())) == {
        "normalize": 0, "dedup": 1, "extract": 2, "count_duplicate": 2, "assemble": 3}


async def _record(scheduler: DownstreamFirst, rank: int, name: str, order: list[str],
                  hold: asyncio.Event | None = None) -> None:
    async with scheduler.turn(rank):
        order.append(name)
        if hold is not None:
            await hold.wait()


def test_waiting_agents_go_downstream_first_then_in_order_asked():
    async def scenario() -> list[str]:
        scheduler, order, hold = DownstreamFirst(), [], asyncio.Event()
        holder = asyncio.create_task(_record(scheduler, 0, "normalize", order, hold))
        await asyncio.sleep(0.01)
        waiters = [asyncio.create_task(_record(scheduler, rank, name, order))
                   for rank, name in ((-1, "dedup"), (-2, "extract"), (-3, "assemble"), (-2, "count_duplicate"))]
        await asyncio.sleep(0.01)
        assert order == ["normalize"]  # the others wait while it holds its turn
        hold.set()
        await asyncio.gather(holder, *waiters)
        return order

    assert asyncio.run(scenario()) == ["normalize", "assemble", "extract", "count_duplicate", "dedup"]


def test_a_cancelled_agent_gives_up_its_place_and_its_turn():
    async def scenario() -> list[str]:
        scheduler, order, hold = DownstreamFirst(), [], asyncio.Event()
        holder = asyncio.create_task(_record(scheduler, 0, "normalize", order, hold))
        await asyncio.sleep(0.01)
        cancelled = asyncio.create_task(_record(scheduler, -3, "assemble", order))
        waiting = asyncio.create_task(_record(scheduler, -1, "dedup", order))
        await asyncio.sleep(0.01)
        cancelled.cancel()
        hold.set()
        await asyncio.gather(holder, waiting)
        # a turn given to an agent cancelled before it ran passes on too
        given = asyncio.Event()
        holder = asyncio.create_task(_record(scheduler, 0, "normalize", order, given))
        await asyncio.sleep(0.01)
        late = asyncio.create_task(_record(scheduler, -3, "assemble", order))
        after = asyncio.create_task(_record(scheduler, -1, "dedup", order))
        await asyncio.sleep(0.01)
        given.set()
        await asyncio.sleep(0)  # the holder passes its turn on to "assemble", which has not run yet
        late.cancel()
        await asyncio.gather(holder, after, late, return_exceptions=True)
        return order

    assert asyncio.run(scenario()) == ["normalize", "dedup", "normalize", "dedup"]
