"""Shared fixtures: the shared data, a real local broker, a real worker process, the output of a
file run for the store, and fresh SQLite and PostgreSQL databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from streams.broker import TANSU_WORKER_ENV, LocalBroker, free_port
from streams.kafka_tools import create_topics
from streams.settings import Settings
from streams.topology import TOPICS

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
# A PostgreSQL server the tests may create databases on (trust auth, as on the CI machine).
POSTGRES_URL = os.environ.get("AKHBAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DASHBOARD_ARTICLES = REPO / "tests" / "data" / "dashboard_articles.jsonl"


def missing(message: str) -> None:
    """Something the tests need is not on this machine: a failure in CI, a skip elsewhere."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def shared_file(relative: str) -> Path:
    """A file of ../shared/data: missing data skips locally and fails in CI."""
    path = SHARED_DATA / relative
    if not path.exists():
        missing(f"shared data missing: {path}")
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


@pytest.fixture(scope="session")
def run_output(tmp_path_factory) -> Path:
    """What ``akhbar run`` writes for the sample feed and the dashboard's test articles: five events of
    one report and the Riyadh meeting's three reports from three outlets."""
    from streams.demo import sample_feed

    out = tmp_path_factory.mktemp("run")
    result = akhbar("run", str(sample_feed()), str(DASHBOARD_ARTICLES), "--out", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return out


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a database on the PostgreSQL server, to create the tests' own databases from."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        missing(f"no PostgreSQL server at AKHBAR_TEST_POSTGRES_URL ({engine.url!r}): {exc.orig}")
    finally:
        engine.dispose()
    return POSTGRES_URL


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new database on the server for one test, dropped afterwards: runs never share tables."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"akhbar_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(kind: str, request, directory: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in ``directory``, or a database on the PostgreSQL server."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'store-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    with postgres_database(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> Iterator[str]:
    """A new, empty database for one test, on each of the two dialects."""
    with fresh_database(request.param, request, tmp_path) as url:
        yield url
