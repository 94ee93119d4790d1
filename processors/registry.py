"""The canonical entity registry shipped in ``processors/data``.

- ``countries.json``: every country (CLDR Arabic names, curated variants);
- ``cities.json``: capitals and major cities (GeoNames, built by ``make_cities.py``);
- ``registry.json``: curated people with their offices (2015 and 2024), organisations,
  regions, the nisba stems of countries (روس → الروسي، الروسية), ministries and the
  words of offices.

Ministries are generated: «وزارة الخارجية الروسية» and «الخارجية الروسية» are the
Russian foreign ministry. A name that two unrelated entries share is left out, so
that the registry never guesses; a country wins over its own capital («الكويت»).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources

import orjson

MINISTRY_NAMES = {"foreign_affairs": "Ministry of Foreign Affairs", "interior": "Ministry of Interior",
                  "defence": "Ministry of Defence", "finance": "Ministry of Finance", "health": "Ministry of Health",
                  "justice": "Ministry of Justice", "education": "Ministry of Education",
                  "energy": "Ministry of Energy"}


@dataclass(frozen=True, slots=True)
class Office:
    office: str
    country: str
    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class Canonical:
    """One entity of the registry."""

    entity_id: str
    type: str
    canonical: str
    kind: str = ""
    country: str | None = None
    offices: tuple[Office, ...] = field(default=())


@dataclass(frozen=True)
class Registry:
    """Entities with their Arabic names, plus the words that describe offices and nationalities."""

    entries: tuple[tuple[Canonical, tuple[str, ...]], ...]
    nisba_stems: dict[str, tuple[str, ...]]  # ISO country code -> stems
    office_words: dict[str, tuple[str, ...]]  # office -> Arabic phrases
    ministry_words: tuple[str, ...]  # «الخارجية», «الداخلية», …

    def names_by_form(self, match_form: Callable[[str], str]) -> dict[tuple[str, ...], Canonical]:
        """Match-form token tuples to entities, ambiguous names left out."""
        claims: dict[tuple[str, ...], dict[str, Canonical]] = defaultdict(dict)
        for entity, names in self.entries:
            for name in names:
                key = tuple(match_form(name).split())
                if key:
                    claims[key][entity.entity_id] = entity
        index = {}
        for key, entities in claims.items():
            if len(entities) == 1:
                index[key] = next(iter(entities.values()))
                continue
            countries = [e for e in entities.values() if e.kind == "country"]
            same_country = countries and all(e.kind == "country" or e.country == countries[0].country
                                             for e in entities.values())
            if len(countries) == 1 and same_country:
                index[key] = countries[0]
        return index

    def nisba_forms(self, iso: str, feminine: bool) -> list[str]:
        suffix = "ية" if feminine else "ي"
        return [f"{article}{stem}{suffix}" for stem in self.nisba_stems.get(iso, ()) for article in ("ال", "")]


def load_registry() -> Registry:
    data = resources.files("processors").joinpath("data")
    countries_raw = orjson.loads(data.joinpath("countries.json").read_bytes())
    cities_raw = orjson.loads(data.joinpath("cities.json").read_bytes())
    curated = orjson.loads(data.joinpath("registry.json").read_bytes())

    entries: list[tuple[Canonical, tuple[str, ...]]] = []
    countries: dict[str, Canonical] = {}
    for raw in countries_raw:
        entity = Canonical(raw["id"], "LOC", raw["canonical"], "country", raw["iso"])
        countries[raw["iso"]] = entity
        entries.append((entity, tuple(raw["names"])))
    for raw in cities_raw + curated["places"]:
        entries.append((Canonical(raw["id"], raw["type"], raw["canonical"], raw["kind"], raw["country"]),
                        tuple(raw["names"])))
    for raw in curated["people"]:
        offices = tuple(Office(o["office"], o["country"], o["from"], o["to"]) for o in raw["offices"])
        entries.append((Canonical(raw["id"], "PERS", raw["canonical"], "person", None, offices), tuple(raw["names"])))
    for raw in curated["organisations"]:
        entries.append((Canonical(raw["id"], raw["type"], raw["canonical"], raw["kind"]), tuple(raw["names"])))
    stems = {iso: tuple(values) for iso, values in curated["nisba_stems"].items()}
    for ministry, words in curated["ministries"].items():
        for iso, iso_stems in stems.items():
            country = countries[iso]
            entity = Canonical(f"org:ministry-{ministry.replace('_', '-')}-{iso.lower()}", "ORG",
                               f"{MINISTRY_NAMES[ministry]} of {country.canonical}", "ministry", iso)
            names = []
            for word in words:
                for stem in iso_stems:
                    names += [f"وزارة {word} ال{stem}ية", f"{word} ال{stem}ية"]
            entries.append((entity, tuple(names)))
    office_words = {office: tuple(words) for office, words in curated["offices"].items()}
    ministry_words = tuple(word for words in curated["ministries"].values() for word in words)
    return Registry(tuple(entries), stems, office_words, ministry_words)

