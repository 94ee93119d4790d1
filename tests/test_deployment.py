"""Deployment: what docker-compose.yml declares (it cannot run here: no Docker engine), and the
CPUs a worker is placed on."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
import yaml

from conftest import REPO
from streams.settings import Settings
from streams.topology import TOPICS

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_services_are_kafka_topic_creation_and_the_worker():
    assert set(COMPOSE["services"]) == {"kafka", "create-topics", "worker"}
    assert COMPOSE["services"]["kafka"]["image"].startswith("apache/kafka:")


def test_kafka_runs_in_kraft_mode_and_publishes_on_loopback_only():
    kafka = COMPOSE["services"]["kafka"]
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "KAFKA_ZOOKEEPER_CONNECT" not in kafka["environment"]
    for service in COMPOSE["services"].values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port


def test_topic_creation_creates_every_topic_of_the_topology():
    script = "\n".join(COMPOSE["services"]["create-topics"]["command"])
    scaled, single = (line for line in script.splitlines() if line.strip().startswith("for topic in"))
    defaults = Settings()
    for spec in TOPICS:
        name = defaults.topic(spec.role)
        if spec.compacted:
            assert f"create {name} " in script and "cleanup.policy=compact" in script
        else:
            assert name in (single if spec.single_partition else scaled).replace(";", " ").split(), name


def test_worker_is_built_from_the_repo_and_configured_by_akhbar_settings():
    worker = COMPOSE["services"]["worker"]
    assert worker["build"]["context"] == "."
    assert "pip install --no-cache-dir ." in worker["build"]["dockerfile_inline"]
    assert worker["depends_on"]["create-topics"]["condition"] == "service_completed_successfully"
    settings = Settings.from_env(worker["environment"])
    assert settings.kafka_bootstrap == "kafka:29092"
    assert settings.web_host == "127.0.0.1"
    unknown = [k for k in worker["environment"] if not hasattr(Settings, k.removeprefix("AKHBAR_").lower())]
    assert unknown == []


def test_worker_cpus_are_ids_lists_and_ranges():
    assert Settings(worker_cpus="0,2-3").worker_cpu_set() == {0, 2, 3}
    assert Settings().worker_cpu_set() == set()
    for wrong in ("a", "1-", "0,x"):
        with pytest.raises(ValueError, match="AKHBAR_WORKER_CPUS"):
            Settings(worker_cpus=wrong).worker_cpu_set()


def test_a_pinned_worker_runs_its_threads_and_those_it_starts_on_its_cpu():
    script = ("import os, threading, time\n"
              "from streams.app import pin_to_cpus\n"
              "from streams.settings import Settings\n"
              "pin_to_cpus(Settings.from_env())\n"
              "threading.Thread(target=time.sleep, args=(1,)).start()\n"
              "print(sorted({os.sched_getaffinity(int(t)).pop() for t in os.listdir('/proc/self/task')}))\n")
    result = subprocess.run([sys.executable, "-c", script], env={**os.environ, "AKHBAR_WORKER_CPUS": "0"}, cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[0]"


def test_the_worker_refuses_cpus_it_cannot_run_on():
    result = subprocess.run([sys.executable, "-m", "streams", "worker"], cwd=REPO, capture_output=True, timeout=60,
                            env={**os.environ, "AKHBAR_WORKER_CPUS": str(os.cpu_count() + 7)}, check=False)
    assert result.returncode == 2 and b"AKHBAR_WORKER_CPUS" in result.stderr


@pytest.mark.parametrize("level", ["warning", "info"])
def test_the_worker_leaves_the_root_logger_at_its_level(level):
    """Faust's startup spinner would set the root logger to DEBUG for good at WARNING and above,
    and every debug call of Faust and aiokafka would build a record for nothing."""
    from streams.app import configured_app, worker_for

    settings = Settings(log_level=level)
    worker = worker_for(configured_app("logging-probe", settings), settings)
    probe = logging.Logger("probe", level=logging.getLevelName(level.upper()))
    probe.addHandler(logging.NullHandler())
    worker.on_setup_root_logger(probe, probe.level)
    assert probe.level == logging.getLevelName(level.upper())
    assert len(probe.handlers) == 1
