"""Parse UniversalPetrarch's Arabic actor dictionary into candidate actor records.

    python3 processors/data/make_actors.py ../shared/data/lexicons/universal-petrarch-ar/actor_dict_ar_v4.txt

The dictionary lists a lemmatised name (``نوري_المالكي_``) followed, on the same line or
on the tab-indented lines after it, by CAMEO actor codes in brackets: an ISO 3166
alpha-3 country plus sectors, optionally with a date range (``[IRQGOV 20101221-20140908]``,
``[PSEPTY > 19590101]``, ``[EGYGOV <19520726]``; an end of ``18000101`` means open).
Each entry is printed as one JSON line, in dictionary order::

    {"n": 14, "line": 19, "lemma": "نوري المالكي", "codes": [{"code": "IRQGOV",
     "from": "2010-12-21", "to": "2014-09-08"}, ...]}

These candidates are the input of the hand review that produced ``actors.json``; the
script does not decide what is kept.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

CODE = re.compile(r"\[([^\]]*)\]")
DAY = re.compile(r"\d{8}")
OPEN_END = "18000101"


def iso_date(yyyymmdd: str | None) -> str | None:
    if not yyyymmdd or yyyymmdd == OPEN_END:
        return None
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


def parse_code(text: str) -> dict:
    """``IRQGOV 20101221-20140908`` -> code and ISO dates (``>D``: from D; ``<D``: until D)."""
    code, _, dates = text.strip().partition(" ")
    days = DAY.findall(dates) + [None, None]
    if "<" in dates:
        start, end = None, days[0]
    elif ">" in dates:
        start, end = days[0], None
    else:
        start, end = days[0], days[1]
    return {"code": code, "from": iso_date(start), "to": iso_date(end)}


def parse(path: Path):
    """Yield one candidate per dictionary entry: its lemma (underscores as spaces) and codes."""
    entry = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("\t") and line.strip().startswith("["):
            if entry is not None:
                entry["codes"].extend(parse_code(c) for c in CODE.findall(line))
            continue
        if entry is not None:
            yield entry
        name = CODE.split(line)[0]
        lemma = " ".join(name.replace("_", " ").split())
        entry = {"line": number, "lemma": lemma,
                 "codes": [parse_code(c) for c in CODE.findall(line)]}
    if entry is not None:
        yield entry


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(__doc__)
    for n, entry in enumerate(parse(Path(argv[1])), 1):
        print(json.dumps({"n": n, **entry}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv)
