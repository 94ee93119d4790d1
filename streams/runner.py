"""The in-process runner behind ``akhbar run``: the topology over files, without a broker.

Records travel between stages as the same bytes they would have on Kafka, and
every stage goes through ``streams.handling.handle``, so a file run and a
streaming run give the same records.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path

from processors import WindowState
from streams.handling import Origin, handle
from streams.kafka_tools import input_files, numbered_lines
from streams.memory import settle_long_lived_state
from streams.settings import Settings
from streams.topology import Output, Stage, build_stages

OUTPUT_FILES = ("normalized", "enriched", "duplicates", "events", "mentions", "dlq")
PROGRESS_MIN_BYTES = 1 << 20


@dataclass
class RunReport:
    lines: int
    counts: Counter
    seconds: float

    @property
    def articles_per_s(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        c = self.counts
        return (f"akhbar run: {counted(self.lines, 'record')} in, {c['enriched']} enriched "
                f"({counted(c['near_duplicates'], 'near duplicate')}), "
                f"{counted(c['duplicates'], 'exact duplicate')}, {counted(c['dlq'], 'dead letter')}, "
                f"{counted(c['mentions'], 'mention')}, {counted(c['events_latest'], 'event')}; "
                f"{self.seconds:.1f} s, {self.articles_per_s:.0f} articles/s")


def counted(number: int, noun: str) -> str:
    """«1 dead letter», «2 dead letters»."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class InProcessPipeline:
    """The topology's stages, fed record by record, each state's records in a dict.

    ``seconds`` and ``records`` count, per stage, the time spent (decoding, processing and
    encoding) and the records handled, for the benchmark."""

    def __init__(self, stages: tuple[Stage, ...]) -> None:
        self.stages = stages
        self._by_source = {stage.source: stage for stage in self.stages}
        self.states = {s.state: WindowState() for s in self.stages if s.state is not None}
        self.seconds: Counter = Counter()
        self.records: Counter = Counter()

    def feed(self, raw: bytes, origin: Origin = Origin()) -> list[Output]:
        """All records produced from one raw article (``Output.data``: their bytes as on Kafka)."""
        emitted = []
        pending = deque([("raw", raw, origin)])
        while pending:
            role, value, where = pending.popleft()
            stage = self._by_source.get(role)
            if stage is None:
                continue
            state = self.states[stage.state] if stage.state is not None else None
            started = time.perf_counter()
            outputs = handle(stage, value, state, where)
            self.seconds[stage.name] += time.perf_counter() - started
            self.records[stage.name] += 1
            emitted += outputs
            pending.extend((output.topic, output.data, Origin(output.topic)) for output in outputs)
        return emitted


def run_files(inputs: list[Path], out_dir: Path, *, progress: bool | None = None,
              settings: Settings | None = None) -> RunReport:
    """Run every non-empty line of ``inputs`` and write the ``OUTPUT_FILES`` into ``out_dir``."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    files = input_files(inputs)
    total_bytes = sum(path.stat().st_size for path in files)
    show = total_bytes >= PROGRESS_MIN_BYTES if progress is None else progress
    out_dir.mkdir(parents=True, exist_ok=True)
    pipeline = InProcessPipeline(build_stages(settings or Settings.from_env()))
    settle_long_lived_state()
    counts: Counter = Counter()
    latest_events: dict[str, bytes] = {}
    sinks = {name: open(out_dir / f"{name}.jsonl", "wb") for name in OUTPUT_FILES if name != "events"}
    started = time.perf_counter()
    lines = 0
    try:
        columns = (TextColumn("akhbar run"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
        with Progress(*columns, disable=not show, transient=True) as bar:
            task = bar.add_task("run", total=total_bytes)
            for path, number, line in numbered_lines(files):
                lines += 1
                bar.advance(task, len(line) + 1)
                for output in pipeline.feed(line, Origin(str(path), None, number)):
                    counts[output.topic] += 1
                    if output.topic == "enriched" and output.value.duplicate_of is not None:
                        counts["near_duplicates"] += 1
                    if output.topic == "events":
                        latest_events.pop(output.key, None)  # keep first-seen order of the latest states
                        latest_events[output.key] = output.data
                    elif output.topic in sinks:
                        sinks[output.topic].write(output.data + b"\n")
    finally:
        for sink in sinks.values():
            sink.close()
    (out_dir / "events.jsonl").write_bytes(b"".join(value + b"\n" for value in latest_events.values()))
    counts["events_latest"] = len(latest_events)
    return RunReport(lines=lines, counts=counts, seconds=time.perf_counter() - started)
