"""``akhbar demo``: the bundled sample feed through the streaming pipeline, ending with its events.

It starts what it needs (a local broker when ``AKHBAR_KAFKA_BOOTSTRAP`` is unset,
the topics, a worker, ``akhbar serve`` with its dashboard), produces the feed, waits
until every article is accounted for, prints the events and stops everything it
started: at once, or, with ``stay``, when interrupted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

import orjson
from rich.console import Console

from schemas import Article, Event
from streams.broker import TANSU_WORKER_ENV, LocalBroker, free_port, port_in_use, wait_for_port
from streams.display import events_table
from streams.kafka_tools import create_topics, produce, wait_for
from streams.settings import Settings

STOP_S = 20.0
PIPED_WIDTH = 150
DASHBOARD_PORT = 8080
SERVE_START_S = 60.0


def sample_feed() -> Path:
    return Path(str(resources.files("streams").joinpath("data/sample_feed.jsonl")))


def run_demo(*, bidi: str = "auto", timeout_s: float = 180.0, stay: bool | None = None) -> int:
    """The demo; ``stay`` keeps everything running after the table until interrupted (default: on a terminal).
    SIGTERM, at any time, stops what it started."""
    signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        return _demo(bidi, timeout_s, stay)
    except Stopped:
        return 1


def _demo(bidi: str, timeout_s: float, stay: bool | None) -> int:
    console = Console(stderr=True)
    out = Console()
    if not out.is_terminal:
        out = Console(width=PIPED_WIDTH)  # a file or a pipe has room; rich would assume 80 columns
    visual = bidi == "visual" or (bidi == "auto" and out.is_terminal)
    env = dict(os.environ)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="akhbar-demo-")))
        if not env.get("AKHBAR_KAFKA_BOOTSTRAP"):
            broker = stack.enter_context(LocalBroker(log_path=workdir / "broker.log"))
            console.print(f"[bold]broker[/]  local Tansu on {broker.bootstrap}")
            env["AKHBAR_KAFKA_BOOTSTRAP"] = broker.bootstrap
            for name, value in TANSU_WORKER_ENV.items():
                env.setdefault(name, value)
        env.setdefault("AKHBAR_WEB_PORT", str(free_port()))
        env.setdefault("AKHBAR_DATA_DIR", str(workdir / "data"))
        env.setdefault("AKHBAR_SERVE_GROUP", f"akhbar-demo-{workdir.name}")
        settings = Settings.from_env(env)

        created = create_topics(settings)
        console.print(f"[bold]topics[/]  {len(created)} created on {settings.kafka_bootstrap}")
        worker_log = workdir / "worker.log"
        worker = _start(["worker"], env, worker_log)
        stack.callback(_stop, worker)
        console.print(f"[bold]worker[/]  pid {worker.pid}, web on {settings.web_host}:{settings.web_port}")
        port = free_port() if port_in_use(DASHBOARD_PORT) else DASHBOARD_PORT
        server = _start(["serve", "--port", str(port)], env, workdir / "serve.log")
        stack.callback(_stop, server)
        try:
            wait_for_port(port, SERVE_START_S)
        except TimeoutError:
            console.print("[red]akhbar serve did not start[/]; its log:")
            console.print((workdir / "serve.log").read_text(errors="replace")[-4000:], markup=False, highlight=False)
            return 1
        console.print(f"[bold]dashboard[/] http://127.0.0.1:{port}/")

        feed = sample_feed()
        ids = {Article.from_json(line).id for line in feed.read_bytes().splitlines() if line.strip()}
        report = produce(settings, [feed], progress=False, err=sys.stderr)
        console.print(f"[bold]produce[/] {report.sent} articles from {feed.name}")

        started = time.monotonic()

        def article_ids(values: list[bytes]) -> set[str]:
            return {orjson.loads(value).get("article_id") for value in values}

        with console.status("waiting for the worker to process the feed…"):
            mentions = wait_for(settings, settings.topic_mentions,
                                lambda values: worker.poll() is not None or ids <= article_ids(values),
                                timeout_s)
        accounted = {m["article_id"]: m["event_id"] for m in map(orjson.loads, mentions)
                     if m.get("article_id") in ids}
        if len(accounted) < len(ids):
            console.print(f"[red]only {len(accounted)} of {len(ids)} articles were processed[/]; worker log:")
            console.print(worker_log.read_text(errors="replace")[-4000:], markup=False, highlight=False)
            return 1
        console.print(f"[bold]done[/]    {len(ids)} articles in {time.monotonic() - started:.1f} s")

        event_ids = set(accounted.values())
        latest: dict[str, Event] = {}
        for value in wait_for(settings, settings.topic_events,
                              lambda values: event_ids <= {orjson.loads(v)["event_id"] for v in values},
                              30.0):
            event = Event.from_json(value)
            if event.event_id in event_ids:
                latest[event.event_id] = event
        events = sorted(latest.values(), key=lambda e: (e.first_seen or "", e.event_id))
        out.print(events_table(events, visual=visual))
        if stay if stay is not None else out.is_terminal:
            _wait_until_interrupted(console, port)
    return 0


class Stopped(Exception):
    """The demo got SIGTERM: it stops what it started, as after Ctrl-C."""


def _raise_stopped(*_) -> None:
    raise Stopped


def _wait_until_interrupted(console: Console, port: int) -> None:
    """Keep the demo's processes running for the dashboard; Ctrl-C or SIGTERM stops them."""
    console.print(f"[bold]dashboard[/] http://127.0.0.1:{port}/ stays up; Ctrl-C stops the demo")
    try:
        signal.pause()
    except (KeyboardInterrupt, Stopped):
        pass


def _start(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """An ``akhbar`` subcommand as a child process, its output in ``log_path``."""
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "-m", "streams", *command], env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
