"""Shared fixtures: the shared data, a real local broker, and a real worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker import TANSU_WORKER_ENV, LocalBroker, free_port
from streams.kafka_tools import create_topics
from streams.settings import Settings
from streams.topology import TOPICS

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def shared_file(relative: str) -> Path:
    """A file of ../shared/data: missing data skips locally and fails in CI."""
    path = SHARED_DATA / relative
    if not path.exists():
        message = f"shared data missing: {path}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return shared_file("seed/seed_article.jsonl")


@pytest.fixture(scope="session")
def broker() -> Iterator[str]:
    """A Tansu broker for the session; ``AKHBAR_TEST_BOOTSTRAP`` reuses one started by .ci/run."""
    external = os.environ.get("AKHBAR_TEST_BOOTSTRAP")
    if external:
        yield external
        return
    with LocalBroker() as local:
        yield local.bootstrap


def pipeline_env(bootstrap: str, data_dir: Path) -> dict[str, str]:
    """Environment for one isolated pipeline: its own app id and topic names on the broker."""
    run = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        "AKHBAR_KAFKA_BOOTSTRAP": bootstrap,
        "AKHBAR_APP_ID": f"akhbar-test-{run}",
        "AKHBAR_PARTITIONS": "2",
        **TANSU_WORKER_ENV,
        "AKHBAR_WEB_PORT": str(free_port()),
        "AKHBAR_DATA_DIR": str(data_dir),
    }
    for spec in TOPICS:
        env[f"AKHBAR_TOPIC_{spec.role.upper()}"] = f"t{run}.{spec.role}"
    return env


class WorkerProcess:
    """``akhbar worker`` as a child process with its log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.settings = Settings.from_env(env)
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "streams", "worker"], env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO)

    def children(self) -> list[int]:
        """The process ids of the worker's child processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int | None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


@pytest.fixture(scope="module", params=[0, 2], ids=["stages-in-worker", "stage-processes"])
def stream(broker: str, tmp_path_factory, request) -> Iterator[WorkerProcess]:
    """Topics created explicitly and one worker running on them, for a test module: once with
    every stage in the worker's process, once with its stateless stages in two processes."""
    workdir = tmp_path_factory.mktemp("stream")
    env = {**pipeline_env(broker, workdir / "data"), "AKHBAR_STAGE_PROCESSES": str(request.param)}
    create_topics(Settings.from_env(env))
    worker = WorkerProcess(env, workdir / "worker.log")
    yield worker
    crashed = not worker.alive()
    worker.stop()
    assert not crashed, f"the worker died during the tests:\n{worker.log()[-3000:]}"


def akhbar(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
           input_bytes: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the ``akhbar`` command as a user would."""
    return subprocess.run([sys.executable, "-m", "streams", *args], env=env, cwd=REPO, capture_output=True,
                          timeout=timeout, input=input_bytes)
