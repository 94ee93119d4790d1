"""An article's language tag: what the feed, the page or the config declares, or else the
script of its text. Arabic sites often keep a template's ``lang="en"``, so a declared tag of
a language not written in Arabic script gives way to text that is."""

from __future__ import annotations

import re

TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# Languages written in Arabic script: a page declared as one of these is taken at its word.
ARABIC_SCRIPT_LANGUAGES = {"ar", "fa", "ur", "ps", "ckb", "ku", "sd", "ug", "prs", "arz", "apc", "ary"}
ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF\uFB50-\uFDFF\uFE70-\uFEFC]")
LETTERS = re.compile(r"[^\W\d_]")
ARABIC_MAJORITY = 0.5


def language_tag(declared: str | None) -> str | None:
    """A declared language as a valid tag (``ar_SA`` → ``ar-SA``), or None when it is not one."""
    if not declared:
        return None
    tag = declared.strip().replace("_", "-")
    return tag if TAG.match(tag) else None


def arabic_share(text: str) -> float:
    """The share of Arabic letters among the letters of ``text``."""
    letters = len(LETTERS.findall(text))
    return len(ARABIC_LETTERS.findall(text)) / letters if letters else 0.0


def decide_language(text: str, *declared: str | None) -> str:
    """The first valid declared tag, unless the text's script contradicts it; else "ar" for
    mostly Arabic text and "und" otherwise."""
    mostly_arabic = arabic_share(text) >= ARABIC_MAJORITY
    for candidate in declared:
        tag = language_tag(candidate)
        if tag is None:
            continue
        if mostly_arabic and tag.split("-")[0].lower() not in ARABIC_SCRIPT_LANGUAGES:
            return "ar"
        return tag
    return "ar" if mostly_arabic else "und"
