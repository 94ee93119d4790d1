"""JSON Schema (2020-12) documents generated from the contract models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schemas.models import Contract

JSON_DIR = Path(__file__).with_name("json")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://akhbar.dev/schemas/"


def schema_path(model: type[Contract]) -> Path:
    return JSON_DIR / f"{model.schema_name}.schema.json"


def json_schema(model: type[Contract]) -> dict[str, Any]:
    """The model's JSON Schema document, as committed in ``schemas/json``."""
    doc = model.model_json_schema(mode="validation")
    return {"$schema": DIALECT, "$id": f"{BASE_ID}{model.schema_name}.schema.json", **doc}
