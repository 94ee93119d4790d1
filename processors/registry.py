"""The canonical entity registry shipped in ``processors/data``.

- ``countries.json``: every country (CLDR Arabic names, curated variants);
- ``cities.json``: the places of GeoNames cities1000 with coordinates (``make_cities.py``);
- ``registry.json``: curated people with their dated offices, organisations with their
  roles, regions, the nisba stems of countries (روس → الروسي، الروسية), ministries and the
  words of offices;
- ``actors.json``: people and organisations from UniversalPetrarch's actor dictionary,
  checked by hand (``make_actors.py``).

Ministries are generated: «وزارة الخارجية الروسية» and «الخارجية الروسية» are the
Russian foreign ministry. A name two sources give is the better-ranked source's
(``CURATED``, then ``GENERATED``, then ``DICTIONARY``); a name that two entries of one
source share is left out, so that the registry never guesses; a country wins over its
own capital («الكويت»).
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


NISBA_SUFFIXES = ("ي", "ية", "يين", "يون", "يان", "يتين")
CLEAR_WINNER = 10  # places sharing a name: the one this many times more populous is meant
CURATED, GENERATED, DICTIONARY = 0, 1, 2  # the ranks of the registry's sources


@dataclass(frozen=True, slots=True)
class Office:
    office: str
    country: str  # ISO 3166 alpha-2, or the organisation of an international office («UN»)
    start: str | None  # ISO date of the first day held
    end: str | None  # ISO date of the last day held
    role: str | None = None  # the codebook role, where the office is not a state's (GOV) or an organisation's (IGO)

    def held_on(self, day: str) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def actor(self) -> tuple[str | None, str]:
        """(country, role) of whoever holds it."""
        state = len(self.country) == 2
        return (self.country if state else None), self.role or ("GOV" if state else "IGO")


@dataclass(frozen=True, slots=True)
class Canonical:
    """One entity of the registry."""

    entity_id: str
    type: str
    canonical: str
    kind: str = ""
    country: str | None = None
    offices: tuple[Office, ...] = field(default=())
    role: str | None = None  # the codebook role of an organisation or a state
    coordinates: tuple[float, float] | None = None  # (latitude, longitude) of a GeoNames place
    population: int = 0  # a GeoNames place's

    def actor_on(self, day: str | None) -> tuple[str | None, str | None]:
        """(country, role) on a day (ISO date): a person's are those of the office held then (an
        office is held on the article's date, not forever); out of office, the latest office's
        country and the entry's own role, if any."""
        if not self.offices:
            return self.country, self.role
        held = [o for o in self.offices if day is not None and o.held_on(day)]
        if held:
            return held[-1].actor
        latest = max(self.offices, key=lambda o: o.end or "9999")
        return self.country or latest.actor[0], None


@dataclass(frozen=True)
class Registry:
    """Entities with their Arabic names, plus the words that describe offices and nationalities."""

    entries: tuple[tuple[Canonical, tuple[str, ...]], ...]
    nisba_stems: dict[str, tuple[str, ...]]  # ISO country code -> stems
    office_words: dict[str, tuple[str, ...]]  # office -> Arabic phrases
    ministry_words: tuple[str, ...]  # «الخارجية», «الداخلية», …
    ranks: dict[str, int] = field(default_factory=dict)  # entity id -> its source's rank (0 first)

    def names_by_form(self, match_form: Callable[[str], str]) -> dict[tuple[str, ...], Canonical]:
        """Match-form token tuples to entities, ambiguous names left out. A name two sources give
        is the better-ranked source's: hand-curated entries first, then the countries, their
        ministries and GeoNames' cities, then the actor dictionary."""
        claims: dict[tuple[str, ...], dict[str, Canonical]] = defaultdict(dict)
        for entity, names in self.entries:
            for name in names:
                key = tuple(match_form(name).split())
                if key:
                    claims[key][entity.entity_id] = entity
        index = {}
        for key, entities in claims.items():
            best = min(self.ranks.get(i, 0) for i in entities)  # «غزة»: the curated Gaza Strip, not the city
            entities = {i: e for i, e in entities.items() if self.ranks.get(i, 0) == best}
            if len(entities) == 1:
                index[key] = next(iter(entities.values()))
                continue
            by_size = sorted(entities.values(), key=lambda e: -e.population)
            if (all(e.kind == "city" for e in by_size)
                    and by_size[0].population >= CLEAR_WINNER * max(by_size[1].population, 1)):
                index[key] = by_size[0]  # «الدوحة»: Doha, not the West Bank village
                continue
            countries = [e for e in entities.values() if e.kind == "country"]
            same_country = countries and all(e.kind == "country" or e.country == countries[0].country
                                             for e in entities.values())
            if len(countries) == 1 and same_country:
                index[key] = countries[0]
        return index

    def nisbas_by_form(self, match_form: Callable[[str], str]) -> dict[str, str]:
        """The match form of every nisba to its country's ISO code."""
        return {match_form(form): iso for iso in self.nisba_stems for form in self.nisba_forms(iso)}

    def nisba_forms(self, iso: str) -> list[str]:
        """A country's nisbas, with and without the article: masculine, feminine, and the plurals
        and duals of people («الروسي», «روسية», «الروسيين», «الروسيون», «الروسيان»)."""
        return [f"{article}{stem}{suffix}" for stem in self.nisba_stems.get(iso, ()) for article in ("ال", "")
                for suffix in NISBA_SUFFIXES]


def load_registry() -> Registry:
    data = resources.files("processors").joinpath("data")
    countries_raw = orjson.loads(data.joinpath("countries.json").read_bytes())
    cities_raw = orjson.loads(data.joinpath("cities.json").read_bytes())
    curated = orjson.loads(data.joinpath("registry.json").read_bytes())

    entries: list[tuple[Canonical, tuple[str, ...]]] = []
    countries: dict[str, Canonical] = {}
    for raw in countries_raw:
        entity = Canonical(raw["id"], "LOC", raw["canonical"], "country", raw["iso"], role="GOV")
        countries[raw["iso"]] = entity
        entries.append((entity, tuple(raw["names"])))
    for raw in cities_raw + curated["places"]:
        coordinates = (raw["lat"], raw["lon"]) if "lat" in raw else None
        entries.append((Canonical(raw["id"], raw["type"], raw["canonical"], raw["kind"], raw["country"],
                                  coordinates=coordinates, population=raw.get("population", 0)),
                        tuple(raw["names"])))
    for raw in curated["people"]:
        offices = tuple(Office(o["office"], o["country"], _day(o["from"], "01-01"), _day(o["to"], "12-31"),
                               o.get("role")) for o in raw["offices"])
        entries.append((Canonical(raw["id"], "PERS", raw["canonical"], "person", None, offices), tuple(raw["names"])))
    for raw in curated["organisations"]:
        entries.append((Canonical(raw["id"], raw["type"], raw["canonical"], raw["kind"], raw["country"],
                                  role=raw["role"]), tuple(raw["names"])))
    stems = {iso: tuple(values) for iso, values in curated["nisba_stems"].items()}
    for ministry, words in curated["ministries"].items():
        for iso, iso_stems in stems.items():
            country = countries[iso]
            entity = Canonical(f"org:ministry-{ministry.replace('_', '-')}-{iso.lower()}", "ORG",
                               f"{MINISTRY_NAMES[ministry]} of {country.canonical}", "ministry", iso, role="GOV")
            names = []
            for word in words:
                for stem in iso_stems:
                    names += [f"وزارة {word} ال{stem}ية", f"{word} ال{stem}ية"]
            entries.append((entity, tuple(names)))
    ranks = {entity.entity_id: GENERATED for entity, _ in entries}
    ranks |= {raw["id"]: CURATED for group in ("places", "people", "organisations") for raw in curated[group]}
    for raw in orjson.loads(data.joinpath("actors.json").read_bytes()):
        offices = tuple(Office("", o["country"] or "", o["from"], o["to"], o["role"]) for o in raw.get("offices", ()))
        kind = "person" if raw["type"] == "PERS" else "organisation"
        entries.append((Canonical(raw["id"], raw["type"], raw["canonical"], kind, raw["country"], offices, raw["role"]),
                        tuple(raw["names"])))
        ranks[raw["id"]] = DICTIONARY
    office_words = {office: tuple(words) for office, words in curated["offices"].items()}
    ministry_words = tuple(word for words in curated["ministries"].values() for word in words)
    return Registry(tuple(entries), stems, office_words, ministry_words, ranks)


def _day(year: int | None, month_day: str) -> str | None:
    """A year of the curated registry as the first or last day of it."""
    return None if year is None else f"{year}-{month_day}"

