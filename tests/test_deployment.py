"""docker-compose.yml cannot run here (no Docker engine); check what it declares instead."""

from __future__ import annotations

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
