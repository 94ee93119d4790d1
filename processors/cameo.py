"""CAMEO codes' QuadClass and Goldstein score (``data/cameo.json``, Goldstein's published scale).

A code the table lacks («106», «1952») takes its parent's score (three digits, then the
root); CRIME's «000» has no CAMEO meaning and no score, and counts as material conflict.
"""

from __future__ import annotations

from importlib import resources

import orjson

MATERIAL_CONFLICT = 4


class CameoScale:
    def __init__(self) -> None:
        raw = orjson.loads(resources.files("processors").joinpath("data/cameo.json").read_bytes())
        self._goldstein: dict[str, float] = raw["goldstein"]
        self._quad = {root: int(quad) for quad, roots in raw["quad_classes"].items() for root in roots}

    def quad_class(self, code: str) -> int:
        return self._quad.get(code[:2], MATERIAL_CONFLICT)

    def goldstein(self, code: str) -> float | None:
        for prefix in (code, code[:3], code[:2]):
            if prefix in self._goldstein:
                return self._goldstein[prefix]
        return None
