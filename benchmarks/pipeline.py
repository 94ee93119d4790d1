"""Benchmark: the whole pipeline in process and streaming, on the dev stream.

    python benchmarks/pipeline.py [STREAM] [--stream-limit N] [--skip-streaming]

Prints one table:
- each stage's cost in process (µs per article) and the in-process throughput, with the
  peak RSS and the RSS at each tenth of the stream (flat when state expires);
- streaming end-to-end articles/s on a fresh local broker with 1 and 2 workers, against a
  Faust passthrough agent on the same messages (this machine's transport ceiling);
- the same with 1 worker that runs its stateless stages in a process per CPU (streams/pool.py);
- produce→event latency p50 and p99 at a fixed offered rate of half the maximum, for each of
  the three (the median of ``--latency-repeat`` runs), next to a reference queue: the
  articles' own in-process costs served first come, first served, at the same rate, with no
  transport at all;
- the peak RSS of a worker, alone and with its stage processes.

Worker i runs on the i-th CPU; the broker and this script's producer and consumer on the last
(with one worker on two cores, the broker has a core of its own, as on a machine of its own).
A worker with stage processes runs on every CPU, the broker's too.
Streaming runs on the first ``--stream-limit`` articles (the broker keeps them in memory).
The machine's speed drifts between runs, so each 1-worker run is paired with an in-process
run just before it, on the same articles after the same warm-up and on the worker's core;
the ratio is the median of ``--repeat`` pairs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path
from statistics import median

from kafka import KafkaProducer
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.broker import TANSU_WORKER_ENV, LocalBroker, free_port  # noqa: E402
from streams.handling import article_id_of  # noqa: E402
from streams.kafka_tools import create_topics, read_until  # noqa: E402
from streams.runner import InProcessPipeline  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.topology import TOPICS, build_stages  # noqa: E402

DEFAULT_STREAM = REPO.parent / "shared" / "data" / "news" / "dev_stream.jsonl"
PASSTHROUGH = REPO / "benchmarks" / "passthrough.py"
WARMUP = 20  # articles after the streamed ones, run before measuring
CPUS = sorted(os.sched_getaffinity(0))  # the CPUs this benchmark may use


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def in_process(lines: list[bytes], first: int) -> tuple[dict[str, float], float, float, float, list[float]]:
    """µs per article of each stage, articles/s over all ``lines`` and over the ``first`` of them,
    peak RSS (MB) and RSS at each tenth."""
    pipeline = InProcessPipeline(build_stages(Settings()))
    samples = []
    started = time.perf_counter()
    first_rate = float("nan")
    for n, line in enumerate(lines):
        pipeline.feed(line)
        if n + 1 == first:
            first_rate = first / (time.perf_counter() - started)
        if (n + 1) % max(len(lines) // 10, 1) == 0:
            samples.append(rss_mb())
    elapsed = time.perf_counter() - started
    costs = {name: pipeline.seconds[name] / pipeline.records[name] * 1e6 for name in pipeline.records}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return costs, len(lines) / elapsed, first_rate, peak, samples


def same_core_costs(lines: list[bytes], warmup: list[bytes], cpu: int) -> list[float]:
    """Seconds each of ``lines`` takes a fresh in-process pipeline after ``warmup``, measured in a
    child process on ``cpu``, as a worker starts and runs."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send_costs, args=(lines, warmup, cpu, sender))
    child.start()
    costs = receiver.recv()
    child.join()
    return costs


def _send_costs(lines: list[bytes], warmup: list[bytes], cpu: int, sender) -> None:
    os.sched_setaffinity(0, {cpu})
    pipeline = InProcessPipeline(build_stages(Settings()))
    for line in warmup:
        pipeline.feed(line)
    costs = []
    for line in lines:
        started = time.perf_counter()
        pipeline.feed(line)
        costs.append(time.perf_counter() - started)
    sender.send(costs)


def queue_latencies(costs: list[float], rate: float, servers: int = 1) -> list[float]:
    """Each article's latency (ms) when article i arrives at i/rate and takes costs[i] on the
    first of ``servers`` to be free: whole articles served in order, without transport or stage
    overheads (a worker that interleaves its stages can do better for short articles)."""
    free = [0.0] * servers
    latencies = []
    for n, cost in enumerate(costs):
        arrival = n / rate
        server = min(range(servers), key=free.__getitem__)
        free[server] = max(free[server], arrival) + cost
        latencies.append((free[server] - arrival) * 1000)
    return latencies


def worker_env(bootstrap: str, tag: str, data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "AKHBAR_KAFKA_BOOTSTRAP": bootstrap, "AKHBAR_APP_ID": f"bench-{tag}",
           "AKHBAR_PARTITIONS": "2", **TANSU_WORKER_ENV, "AKHBAR_DATA_DIR": str(data_dir),
           "AKHBAR_LOG_LEVEL": "warning"}
    for spec in TOPICS:
        env[f"AKHBAR_TOPIC_{spec.role.upper()}"] = f"{tag}.{spec.role}"
    return env


def start_workers(command: list[str], env: dict[str, str], n: int, log_dir: Path) -> list[subprocess.Popen]:
    """``n`` workers, worker i pinned to the i-th CPU (``AKHBAR_WORKER_CPUS``); a worker with
    stage processes gets every CPU, for them."""
    workers = []
    for i in range(n):
        cpus = CPUS if int(env.get("AKHBAR_STAGE_PROCESSES", "0")) else [CPUS[i % len(CPUS)]]
        port_env = {**env, "AKHBAR_WEB_PORT": str(free_port()), "AKHBAR_DATA_DIR": f"{env['AKHBAR_DATA_DIR']}-{i}",
                    "AKHBAR_WORKER_CPUS": ",".join(map(str, cpus))}
        log = open(log_dir / f"{env['AKHBAR_APP_ID']}-{i}.log", "wb")
        workers.append(subprocess.Popen(command, env=port_env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO))
    return workers


def peak_rss_mb(pid: int) -> float:
    """The peak RSS of a process and of its children, summed."""
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for each in [pid, *map(int, children.read_text().split() if children.exists() else [])]:
        with open(f"/proc/{each}/status") as status:
            total += next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0) / 1024
    return total


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()


def article_key(line: bytes) -> bytes | None:
    article_id = article_id_of(line)
    return article_id.encode("utf-8") if article_id is not None else None


def produce(settings: Settings, lines: list[bytes], rate: float | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5)
    started = time.perf_counter()
    for n, line in enumerate(lines):
        if rate is not None:
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        producer.send(settings.topic_raw, key=article_key(line), value=line)
    producer.flush()
    producer.close()


def drain(settings: Settings, roles: tuple[str, ...], expected: int, timeout_s: float,
          workers: list[subprocess.Popen] = ()) -> list:
    """Records of ``roles`` until ``expected`` of them have arrived (or a worker died)."""
    def done(records: list) -> bool:
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError(f"a worker exited; see its log in {settings.data_dir}/..")
        return len(records) >= expected

    return read_until(settings, [settings.topic(role) for role in roles], done, timeout_s)


def streaming(broker: str, lines: list[bytes], warmup: list[bytes], workers: int, tag: str, work: Path,
              rate: float | None = None, stage_processes: int = 0) -> tuple[float, list[float], float]:
    """(articles/s from first produce to last result, produce→mention latencies in ms, the first
    worker's peak RSS with its stage processes), measured on ``lines`` once the workers have run
    ``warmup`` (joined their group, recovered, loaded)."""
    env = {**worker_env(broker, tag, work / tag), "AKHBAR_STAGE_PROCESSES": str(stage_processes)}
    settings = Settings.from_env(env)
    create_topics(settings)
    procs = start_workers([sys.executable, "-m", "streams", "worker"], env, workers, work)
    try:
        time.sleep(12)  # group join (about session_timeout/2 on Tansu) and table recovery
        produce(settings, warmup)
        # Each article ends as a mention (enriched or duplicate) or a dead letter.
        drain(settings, ("mentions", "dlq"), len(warmup), timeout_s=300, workers=procs)
        started = time.perf_counter()
        produce(settings, lines, rate)
        results = drain(settings, ("mentions", "dlq"), len(warmup) + len(lines), timeout_s=1800, workers=procs)
        elapsed = time.perf_counter() - started
        measured = {article_key(line) for line in lines}
        raw = {r.key: r.timestamp for r in drain(settings, ("raw",), len(warmup) + len(lines), 60)
               if r.key in measured}
        latencies = [r.timestamp - raw[r.key] for r in results if r.topic == settings.topic_mentions
                     and r.key in raw]
        return (len(results) - len(warmup)) / elapsed, latencies, peak_rss_mb(procs[0].pid)
    finally:
        stop(procs)


def repeated_latencies(broker: str, lines: list[bytes], warmup: list[bytes], work: Path, runs: int, workers: int,
                       tag: str, rate: float, stage_processes: int = 0) -> list[list[float]]:
    """The produce→mention latencies of ``runs`` runs at ``rate``, each on fresh topics."""
    return [streaming(broker, lines, warmup, workers, f"{tag}-{n}", work, rate=rate,
                      stage_processes=stage_processes)[1] for n in range(runs)]


def passthrough(broker: str, lines: list[bytes], work: Path) -> float:
    env = worker_env(broker, "pass", work / "pass")
    settings = Settings.from_env(env)
    create_topics(settings)
    procs = start_workers([sys.executable, str(PASSTHROUGH)], env, 1, work)
    try:
        time.sleep(12)
        started = time.perf_counter()
        produce(settings, lines)
        results = drain(settings, ("normalized",), len(lines), timeout_s=900, workers=procs)
        return len(results) / (time.perf_counter() - started)
    finally:
        stop(procs)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stream", nargs="?", type=Path, default=DEFAULT_STREAM)
    parser.add_argument("--limit", type=int, default=None, help="articles run in process (default: all)")
    parser.add_argument("--stream-limit", type=int, default=2000, help="articles sent through the broker")
    parser.add_argument("--repeat", type=int, default=3, help="paired in-process and 1-worker runs")
    parser.add_argument("--latency-repeat", type=int, default=5, help="latency runs of each configuration")
    parser.add_argument("--skip-streaming", action="store_true")
    args = parser.parse_args()
    every_line = [line for line in args.stream.read_bytes().splitlines() if line.strip()]
    lines = every_line[:args.limit]

    stream_lines = lines[:args.stream_limit]
    costs, all_rate, in_rate, peak, samples = in_process(lines, len(stream_lines))
    table = Table(title=f"Akhbar pipeline benchmark, {date.today()}, {platform.machine()}, "
                        f"{os.cpu_count()} cores, Python {platform.python_version()}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, micros in costs.items():
        table.add_row(f"in process: {name}", f"{micros:,.0f} µs/article")
    table.add_row(f"in process: whole pipeline ({len(lines):,} articles)", f"{all_rate:,.1f} articles/s")
    table.add_row(f"in process: whole pipeline, its first {len(stream_lines):,} articles (the streamed ones)",
                  f"{in_rate:,.1f} articles/s")
    table.add_row("in process: peak RSS", f"{peak:,.0f} MB")
    table.add_row("in process: RSS at each tenth", " ".join(f"{mb:,.0f}" for mb in samples) + " MB")

    if not args.skip_streaming:
        work = Path(os.environ.get("TMPDIR", "/tmp")) / f"akhbar-bench-{os.getpid()}"
        work.mkdir(parents=True, exist_ok=True)
        # The broker and this script's clients on the last CPU, the workers from the first: as far
        # as two cores allow, the broker on a machine of its own, as in production.
        os.sched_setaffinity(0, {CPUS[-1]})
        warmup = every_line[len(stream_lines):len(stream_lines) + WARMUP]
        with LocalBroker(log_path=work / "broker.log") as broker:
            ceiling = passthrough(broker.bootstrap, stream_lines, work)
            pairs = []
            for n in range(args.repeat):
                costs = same_core_costs(stream_lines, warmup, CPUS[0])
                rate, _, one_rss = streaming(broker.bootstrap, stream_lines, warmup, 1, f"one-{n}", work)
                pairs.append((len(costs) / sum(costs), rate, costs))
            paired_rate, one, costs = sorted(pairs, key=lambda pair: pair[1] / pair[0])[(len(pairs) - 1) // 2]
            # Each configuration's latency runs right after its throughput run, before the machine's
            # speed drifts; several, because single runs vary more than the configurations do.
            latency_runs = partial(repeated_latencies, broker.bootstrap, stream_lines, warmup, work,
                                   args.latency_repeat)
            latencies_one = latency_runs(1, "latency-one", one / 2)
            two, _, _ = streaming(broker.bootstrap, stream_lines, warmup, 2, "two", work)
            latencies_two = latency_runs(2, "latency-two", two / 2)
            processes = len(CPUS)
            pooled, _, pooled_rss = streaming(broker.bootstrap, stream_lines, warmup, 1, "pooled", work,
                                              stage_processes=processes)
            latencies_pooled = latency_runs(1, "latency-pooled", pooled / 2, processes)
        pooled_name = f"1 worker with {processes} stage processes"
        table.add_row(f"streaming: Faust passthrough agent ({len(stream_lines):,} articles)",
                      f"{ceiling:,.1f} articles/s")
        table.add_row(f"in process on the worker's core, paired with each 1-worker run ({args.repeat})",
                      " ".join(f"{i:,.1f}→{o:,.1f}" for i, o, _ in pairs) + " articles/s")
        table.add_row("streaming: pipeline, 1 worker (the median pair)",
                      f"{one:,.1f} articles/s ({one / paired_rate:.0%} of {paired_rate:,.1f} in process)")
        table.add_row("streaming: pipeline, 2 workers", f"{two:,.1f} articles/s ({two / paired_rate:.0%} of in process)")
        table.add_row(f"streaming: pipeline, {pooled_name}",
                      f"{pooled:,.1f} articles/s ({pooled / paired_rate:.0%} of in process)")
        table.add_row("streaming: pipeline / passthrough, 1 worker", f"{one / ceiling:.1%}")
        for name, servers, rate, runs in (("1 worker", 1, one / 2, latencies_one),
                                          ("2 workers", 2, two / 2, latencies_two),
                                          (pooled_name, processes, pooled / 2, latencies_pooled)):
            p50s = [percentile(latencies, 0.5) for latencies in runs]
            p99s = [percentile(latencies, 0.99) for latencies in runs]
            reference = queue_latencies(costs, rate, servers)
            table.add_row(f"streaming: produce→event latency, {name}, at half its rate ({rate:,.1f} articles/s), "
                          f"the median of {len(runs)} runs",
                          f"p50 {median(p50s):,.0f} ms, p99 {median(p99s):,.0f} ms "
                          f"(p99 of each run: {', '.join(f'{p:,.0f}' for p in p99s)} ms)")
            table.add_row(f"reference: first come, first served at that rate, in-process costs, {servers} "
                          f"server{'s' * (servers > 1)}, no transport",
                          f"p50 {percentile(reference, 0.5):,.0f} ms, p99 {percentile(reference, 0.99):,.0f} ms")
        table.add_row("streaming: peak RSS of a worker, alone and with its stage processes",
                      f"{one_rss:,.0f} MB, {pooled_rss:,.0f} MB")
    Console().print(table)


if __name__ == "__main__":
    main()
