"""The stateless stages in processes of the worker's own: one worker, several cores.

A worker's agents share one event loop, and Python runs them on one core. Normalization
and extraction, some three quarters of an article's cost, keep no state, so with
``AKHBAR_STAGE_PROCESSES`` above 0 a worker runs them in that many processes. Each process
takes the next record as soon as it is free. A run of long articles is then shared between
cores as it comes, which partitions owned by separate workers cannot do: a worker keeps
its partitions whatever their backlog. Duplicate detection and event assembly keep state
and stay in the worker's own process.

The processes run the same ``handle`` as the worker, so they emit the same records and
dead letters. A process that dies (killed, out of memory) takes its record with it: the
record is tried once more, alone, in fresh processes, and then becomes a dead letter.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait

from mode import Service

from streams.handling import Origin, dead_letter, handle
from streams.memory import settle_long_lived_state
from streams.settings import Settings
from streams.topology import Stage, build_stages

log = logging.getLogger(__name__)

WireRecord = tuple[str, str | None, bytes]  # topic role, key, message: what crosses back from a process

_stages: dict[str, Stage] = {}  # in each pool process: its stateless stages, by name


def _load(settings: Settings) -> None:
    """Start a pool process: load the stateless stages, and exit with the worker."""
    _stages.update((stage.name, stage) for stage in build_stages(settings) if stage.state is None)
    settle_long_lived_state()
    parent = multiprocessing.parent_process()
    if parent is not None:  # a worker killed with SIGKILL cannot stop its pool: the pool notices
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    wait([sentinel])
    os._exit(0)


def _ready() -> None:
    """A task that returns once its process has loaded its stages."""


def run_stage(name: str, raw: bytes, origin: Origin) -> list[WireRecord]:
    """One record through the named stage, in a pool process; its outputs as they go on the wire."""
    return [(output.topic, output.key, output.data) for output in handle(_stages[name], raw, None, origin)]


class StagePool(Service):
    """The worker's processes for its stateless stages: started and stopped with the app."""

    def __init__(self, settings: Settings, target=run_stage, **kwargs) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.processes = settings.stage_processes
        self._target = target
        self._executor: ProcessPoolExecutor | None = None
        self._retry = asyncio.Lock()  # records retried after a process died go one at a time

    def _start_executor(self) -> ProcessPoolExecutor:
        self._executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_load, initargs=(self.settings,))
        return self._executor

    async def on_start(self) -> None:
        """Start every process and load its models now, not on the first records."""
        loop = asyncio.get_running_loop()
        executor = self._start_executor()
        await asyncio.gather(*(loop.run_in_executor(executor, _ready) for _ in range(self.processes)))

    async def on_stop(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    async def run(self, stage: Stage, raw: bytes, origin: Origin) -> list[WireRecord]:
        """``raw`` through ``stage`` in a pool process; a dead letter if processes die on it twice."""
        loop = asyncio.get_running_loop()
        executor = self._executor or self._start_executor()
        try:
            return await loop.run_in_executor(executor, self._target, stage.name, raw, origin)
        except BrokenProcessPool:
            pass
        async with self._retry:
            if self._executor is executor:  # the first record to find the pool broken replaces it
                self._replace(executor, stage)
            try:
                return await loop.run_in_executor(self._executor, self._target, stage.name, raw, origin)
            except BrokenProcessPool:
                self._replace(self._executor, stage)
        letter = dead_letter(stage.name, "process_died", "the process running this record died, twice",
                             raw, origin)
        return [(letter.topic, letter.key, letter.data)]

    def _replace(self, broken: ProcessPoolExecutor, stage: Stage) -> None:
        log.warning("a process running %s died: starting new ones", stage.name)
        broken.shutdown(wait=False, cancel_futures=True)
        self._start_executor()
