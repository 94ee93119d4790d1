"""Imports flow one way: schemas ← processors ← streams; the downstream service reaches the pipeline
only through its contracts (schemas) and topics, and only the CLI wires it in."""

from __future__ import annotations

import ast

import pytest

from conftest import REPO

ALLOWED = {"schemas": {"schemas"}, "processors": {"schemas", "processors"},
           "streams": {"schemas", "processors", "streams", "service", "feeds"}, "service": {"schemas", "service"},
           "feeds": {"schemas", "streams", "feeds"}}
# The runtime's one module that wires the service in (`akhbar serve`); the pipeline never imports it.
STARTS_THE_SERVICE = {"streams/cli.py"}
FORBIDDEN_IN_PROCESSORS = {"faust", "kafka", "aiokafka", "asyncio"}


def imported_modules(package: str):
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                yield path, [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, [node.module.split(".")[0]]


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_layer_imports_upward(package):
    for path, modules in imported_modules(package):
        for module in modules:
            if module in ALLOWED:
                assert module in ALLOWED[package], f"{path.relative_to(REPO)} imports {module}"


def test_processors_do_not_touch_kafka_or_asyncio():
    for path, modules in imported_modules("processors"):
        assert not FORBIDDEN_IN_PROCESSORS & set(modules), path


def test_only_the_cli_imports_the_service():
    for path, modules in imported_modules("streams"):
        if "service" in modules:
            assert str(path.relative_to(REPO)) in STARTS_THE_SERVICE, path
