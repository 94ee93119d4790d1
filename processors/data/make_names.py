"""Build ``names.json``: Arabic given names and surnames, from the name index of arabic-name-romanizer.

    pip install arabic-name-romanizer==0.2.0 wordfreq && python processors/data/make_names.py

The source is the ``full_names`` table of ``resources/names.sqlite3`` in the
arabic-name-romanizer 0.2.0 wheel (MIT; data from Wikidata, CC0, and two Algerian name
corpora, CC0 and MIT: see ``NOTICE-names.txt``): about 86,700 names of people of the
Arab world, Iran, Pakistan and Afghanistan (so «لافروف», «فيدان», «سيرغي» are not in
it; ``registry.json`` has them). Each name of two or more units counts once for each
unit: the last unit as a surname, the others as given names (as the package's own
``units`` table does, but counting distinct Arabic full names, not Latin spellings).

- Forms: the index keeps names folded (أ إ آ → ا, ى → ي, ة → ه); ؤ → و and ئ → ي are
  folded here too, so every name is in the match form of ``Normalizer.match_form``.
  A unit «عبد X» is written joined, «عبدالله», as in ``ner.GIVEN_NAMES``; a reader that
  meets «عبد الله» joins «عبد» with the next token first. Other units of two words
  («نور الدين», «بن سلمان», «آل سعود», «أبو بكر») are left out: their particles are
  handled by the tagger.
- Kept: Arabic letters only (Persian and Urdu letters drop the name), at least two
  letters, not a particle, in at least ``MIN_COUNT`` full names, and in a list when
  that role is at least ``MIN_SHARE`` of the name's uses (so «محمد», last in
  patronymic chains, is not also a surname). A name can be in both lists.
- Common words go to ``common`` instead: names whose folded form is a frequent Arabic
  word (wordfreq Zipf frequency, all spellings added up, at least ``COMMON_ZIPF``), far
  more frequent in text than its use as a name explains (Zipf minus log10 of its full
  names at least ``COMMON_EXCESS``), and used as a word: written with and without «ال»
  (the Zipf of the other form within ``ARTICLE_GAP`` of the name's: «السلام», but no
  «السلمان»; «مصري», but no «سيسي»), or so frequent that it must be a function word
  (Zipf at least ``FUNCTION_ZIPF``: «علي», folded with «على»). Such a name in
  fewer than ``COMMON_MIN_NAMES`` full names is dropped («الاردن», «البحر»). Moved: «امل», «سلام», «جديد», «كامل», «شمس»; kept as
  names: «محمد» (Zipf 6.1, 5,315 names), «عادل», «كريم», «نور», «سلمان», «السيسي».
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import orjson
import wordfreq

MIN_COUNT = 2
MIN_SHARE = 0.1
COMMON_ZIPF = 4.0
COMMON_EXCESS = 2.8
ARTICLE_GAP = -1.0
FUNCTION_ZIPF = 5.5
COMMON_MIN_NAMES = 5
# «ال» is «آل» folded; «ولد» is the Mauritanian «son of».
PREFIXES = {"عبد", "ابو", "ابي", "ابن", "بن", "بنت", "ولد", "ال", "ذو", "ذي"}
SUFFIXES = {"الله", "الدين"}
FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
DIACRITICS = re.compile("[\u064B-\u0652\u0670\u0640]")
ARABIC_WORD = re.compile("[\u0621-\u063A\u0641-\u064A]{2,}")
OUT = Path(__file__).with_name("names.json")


def fold(text: str) -> str:
    return DIACRITICS.sub("", text).translate(FOLD)


def units(full_key: str) -> list[str]:
    """The name units of a full name: particles join the word after them, «الله» and «الدين» the word before."""
    out: list[str] = []
    glue = False
    for token in full_key.split():
        if out and (glue or token in SUFFIXES):
            out[-1] += " " + token
        else:
            out.append(token)
        glue = token in PREFIXES
    return out


def role_counts() -> dict[str, Counter]:
    """Folded single-word name -> distinct full names that have it as a given name and as the surname."""
    db = resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    with resources.as_file(db) as path:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        full_names = {key for (key,) in conn.execute("SELECT DISTINCT arabic_key FROM full_names")}
        conn.close()
    counts: dict[str, Counter] = defaultdict(Counter)
    for key in full_names:
        parts = units(key)
        if len(parts) < 2:
            continue
        for i, unit in enumerate(parts):
            if unit.startswith("عبد "):
                unit = unit.replace(" ", "", 1)
            name = fold(unit)
            if ARABIC_WORD.fullmatch(name) and name not in PREFIXES | SUFFIXES:
                counts[name]["surname" if i == len(parts) - 1 else "given"] += 1
    return counts


def word_zipf() -> dict[str, float]:
    """Zipf frequency of each folded Arabic word, all its spellings added up."""
    freq: Counter = Counter()
    for word in wordfreq.iter_wordlist("ar", "large"):
        freq[fold(word)] += wordfreq.word_frequency(word, "ar", "large")
    return {word: math.log10(f * 1e9) for word, f in freq.items() if f > 0}


def is_common(name: str, total: int, zipf: dict[str, float]) -> bool:
    """A frequent word, far more frequent than its use as a name explains, seen with and without «ال»."""
    z = zipf.get(name, 0.0)
    excess = z - math.log10(total)
    if z < COMMON_ZIPF or excess < COMMON_EXCESS:
        return False
    if z >= FUNCTION_ZIPF:
        return True
    other = name[2:] if name.startswith("ال") else "ال" + name
    return zipf.get(other, 0.0) - z >= ARTICLE_GAP


def main() -> None:
    counts, zipf = role_counts(), word_zipf()
    lists: dict[str, set[str]] = {"given": set(), "surnames": set(), "common": set()}
    for name, roles in counts.items():
        total = roles["given"] + roles["surname"]
        kept = [out for out, role in (("given", "given"), ("surnames", "surname"))
                if total >= MIN_COUNT and roles[role] >= MIN_SHARE * total]
        if not kept:
            continue
        if is_common(name, total, zipf):
            if total >= COMMON_MIN_NAMES:
                lists["common"].add(name)
        else:
            for out in kept:
                lists[out].add(name)
    about = (
        "Arabic single names in match form (no diacritics; أإآ→ا ى→ي ة→ه ؤ→و ئ→ي), from the full names of "
        "arabic-name-romanizer 0.2.0 (Wikidata and Algerian name corpora; see NOTICE-names.txt), built by "
        "make_names.py. given: units before the last one of a full name; surnames: last units, with or "
        f"without «ال»; kept when in at least {MIN_COUNT} full names, in a list when that role is at least "
        f"{MIN_SHARE:.0%} of its uses; a name can be in both. «عبد X» is joined («عبدالله»). common: names "
        f"that are also frequent Arabic words (wordfreq Zipf >= {COMMON_ZIPF}, Zipf - log10(full names) >= "
        f"{COMMON_EXCESS}, and seen with and without «ال» or Zipf >= {FUNCTION_ZIPF}), a weaker cue; they are in neither other list."
    )
    data = {"about": about, **{key: sorted(names) for key, names in lists.items()}}
    OUT.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    print(", ".join(f"{key}: {len(names)}" for key, names in lists.items()))


if __name__ == "__main__":
    main()
