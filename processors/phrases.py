"""Organisation and place names built the Arabic way: a head noun, an iḍāfa chain, a nisba.

«محكمة الجنايات الكويتية», «الإدارة العامة للمؤسسات الإصلاحية», «الجيش الإسرائيلي»,
«شرطة منطقة جازان», «ولاية نهر النيل»: most such names are a head noun from a short list
(``data/phrases.json``), then definite nouns, names the registry knows, a nisba, a purpose
(«للأنباء», «لحقوق الإنسان») or a number. A definite head («الجيش») makes a name only with
a nisba, an institutional adjective («العليا», «المسلحة») or a known name after it, so
that «الجيش» alone or «الحكومة الجديدة» is not one.

The phrase gives the entity its type, its codebook role (from the head, or a word of the
chain: «مجلس النواب» is LEG, «وكالة الأنباء» MED) and its country (from the nisba or a
place in the chain). The finder only reads tokens; the extractor decides what wins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import orjson

from processors.arabic import non_overlapping, proclitic_readings, reading_start
from processors.gazetteer import Match
from processors.cues import PERSON_TRIGGERS
from schemas import Token

COORDINATION = "و"
# An indefinite word closes a phrase on its own («حركة حزم», «منطقة عسير») only when it is
# rarer than this (documents in a million, from the shipped word frequencies): «حزب كبير» is
# no name.
NAME_LIKE_MAX = 15_000
ADJECTIVE_ENDINGS = ("ي", "يا", "ين", "ون")  # «صندوق استثماري», «تنظيم إرهابي»: no names


@dataclass(frozen=True, slots=True)
class Phrase:
    """Tokens ``[first, last]`` name an organisation or a place, from ``start`` in the original
    text (after the head's proclitics)."""

    first: int
    last: int
    start: int
    type: str
    role: str | None
    country: str | None
    known: Match | None  # a registry organisation the chain names («تنظيم داعش»)


@dataclass(frozen=True, slots=True)
class _Head:
    type: str
    role: str | None
    generic: bool  # «قوات»: a name only with a nisba, a known name, another head or an adjective
    setting: bool  # «مدينة», «محافظة»: a place noun that only sets a name in context
    described: bool  # «الشركة الروسية»: with the article and a nisba alone, a description
    named_after_people: bool  # «مركز الملك سلمان», «جامعة الملك سعود»


class PhraseFinder:
    """Finds head-noun phrases over a field's normalized tokens."""

    def __init__(self, match_form: Callable[[str], str], nisbas: Mapping[str, str],
                 word_counts: Mapping[str, int]) -> None:
        raw = orjson.loads(resources.files("processors").joinpath("data/phrases.json").read_bytes())

        def forms(words) -> frozenset[str]:
            return frozenset(match_form(word) for word in words)

        generic, settings = forms(raw["generic_heads"]), forms(raw["place_settings"])
        described, after_people = forms(raw["described_heads"]), forms(raw["named_after_people"])
        self._heads: dict[str, _Head] = {}
        for entity_type, role, words in [*(("ORG", role, words) for role, words in raw["organisation_heads"].items()),
                                         ("LOC", None, raw["place_heads"])]:
            for word in forms(words):
                self._heads.setdefault(word, _Head(entity_type, role, word in generic, word in settings,
                                                   word in described, word in after_people))
        self._adjectives = forms(raw["adjectives"])
        self._purposes = forms(raw["purposes"])
        self._stop = forms(raw["stop"]) | PERSON_TRIGGERS  # a title starts a person's name, not a chain word
        self._institutions = {word: role for role, words in raw["institutions"].items() for word in forms(words)}
        self._roles = [(role, forms(words)) for role, words in raw["roles_by_word"].items()]
        self._nisbas = nisbas
        self._word_counts = word_counts

    def find(self, text: str, tokens: Sequence[Token], known: Mapping[int, Match],
             taken: Sequence[bool]) -> list[Phrase]:
        """Non-overlapping phrases, left to right, over the tokens of ``text`` not ``taken``;
        ``known``: the registry matches by their first token."""
        return non_overlapping(len(tokens), taken, lambda i: self._phrase_at(text, tokens, i, known))

    def head(self, token: Token) -> tuple[_Head, bool, str, int] | None:
        """The head noun a token is (with its article and proclitics), as ``(head, definite,
        reading, proclitic characters)``."""
        for form, consumed in proclitic_readings(token.norm):
            definite = form.startswith("ال") and len(form) > 4
            head = self._heads.get(form[2:] if definite else form)
            if head is not None:
                return head, definite, form, consumed
        return None

    def _phrase_at(self, text: str, tokens: Sequence[Token], i: int, known: Mapping[int, Match]) -> Phrase | None:
        found = self.head(tokens[i])
        if found is None:
            role = self._institutions.get(tokens[i].norm)
            return None if role is None else Phrase(i, i, tokens[i].start, "ORG", role, None, None)
        head, definite, reading, consumed = found
        country = organisation = None
        strong = False  # a nisba, an institutional adjective, a known name or another head follows
        qualified = False  # a nisba came: the idafa is over
        role = head.role
        last = i
        j = i + 1
        while j < len(tokens):
            token = tokens[j]
            match = known.get(j)
            # a generic head is a name only when what makes it one follows it directly:
            # «القوات المسلحة», not «لقوة السيادة الوطنية»
            counts = j == i + 1 or not head.generic
            if match is not None and token.norm[:1] != COORDINATION:
                entity = match.entity
                if definite or entity.type == "PERS" and (j > i + 1 or not head.named_after_people):
                    break  # no idafa after a definite head; a person only right after «مركز», «قاعدة» …
                country = country or entity.country
                if entity.type == "ORG" and organisation is None:
                    organisation = match
                strong, last, j = strong or counts, match.last, match.last + 1
                continue
            norm = token.norm
            if self._stopped(norm) or not any(c.isalpha() for c in norm):
                if norm.isdigit() and head.type == "ORG" and head.role == "MIL":
                    strong, last, j = strong or counts, j, j + 1  # «الفرقة 30», «اللواء 35 مدرع»
                    continue
                break
            nisba = self._nisbas.get(norm)
            if nisba is not None:
                country, qualified = country or nisba, True
                strong = strong or counts and not (definite and head.described)
                last, j = j, j + 1
                continue
            if norm in self._adjectives or self.head(token) is not None and norm.startswith("ال"):
                strong, last, j = strong or counts, j, j + 1
                continue
            if j > i + 1 and norm in self._purposes:
                last, j = j, j + 1
                continue
            if (norm.startswith("ال") and len(norm) > 3 and (not definite or last > i) and not qualified
                    and not (head.setting and j == i + 1 and self._common(norm[2:]))):
                last, j = j, j + 1  # an idafa noun; after a nisba only adjectives («الحكومة اللبنانية الغارة»)
                continue  # («منطقة المسؤولية» is no place name: a setting needs a name)
            if (norm[:1] == COORDINATION and norm[1:3] == "ال" and last == j - 1 > i and self.head(token) is None
                    and norm[1:] not in self._nisbas and self._plain_noun(tokens[j - 1].norm)):
                last, j = j, j + 1  # «إدارة الهجرة والجوازات», not «القوات السعودية والنازحين»
                continue
            if (not definite and not norm.startswith(("ال", COORDINATION)) and j == last + 1
                    and not self._preposition(norm) and not _verb_like(text[token.start:token.end])):
                if self._continues(tokens, j + 1, known):
                    strong = strong or (j == i + 1 and head.type == "ORG")
                    last, j = j, j + 1  # «حزب نداء تونس», «ولاية نهر النيل»
                    continue
                if j == i + 1 and not self._common(norm) and not norm.endswith(ADJECTIVE_ENDINGS):
                    strong, last = True, j  # «حركة حزم», «وكالة تسنيم»
            break
        if last == i or (head.generic or definite) and not strong:
            return None
        if head.setting and i + 1 in known and known[i + 1].last == last:
            return None  # «مدينة جدة»: the registry's city, not a phrase around it
        words = {t.norm for t in tokens[i + 1:last + 1]}
        for word_role, role_words in self._roles:
            if head.type == "ORG" and words & role_words:
                role = word_role
                break
        return Phrase(i, last, reading_start(text, tokens[i], reading, consumed), head.type,
                      role if head.type == "ORG" else None, country, organisation)

    def _stopped(self, norm: str) -> bool:
        """A stop word, also with a proclitic («فسوف», «وإلى»)."""
        return any(reading in self._stop for reading, _ in proclitic_readings(norm))

    def _common(self, word: str) -> bool:
        return self._word_counts.get(word, 0) >= NAME_LIKE_MAX

    def _plain_noun(self, norm: str) -> bool:
        """A definite noun of an idafa chain, which a coordinated noun may join; not a nisba or adjective."""
        return norm.startswith("ال") and norm not in self._nisbas and norm not in self._adjectives

    def _preposition(self, norm: str) -> bool:
        """«لتبادل», «بعدد»: «ل» or «ب» on a commoner word, not a name («لحج»)."""
        counts = self._word_counts
        return norm[:1] in "لب" and counts.get(norm[1:], 0) > counts.get(norm, 0)

    def _continues(self, tokens: Sequence[Token], j: int, known: Mapping[int, Match]) -> bool:
        """An indefinite noun is in the chain when a definite word, a known name or a nisba follows it."""
        if j >= len(tokens):
            return False
        norm = tokens[j].norm
        return (j in known or norm in self._nisbas
                or (norm.startswith("ال") and len(norm) > 3 and not self._stopped(norm)))


def _verb_like(word: str) -> bool:
    """«تقوده», «يقطنها», «حضرت»: a present verb with a pronoun, or a short past one in «ت», as
    written (the match form folds «ة» into «ه»); «حضرموت» is a name."""
    return (word[:1] in "يتن" and word.endswith(("ه", "ها", "هم", "هما"))) or (word.endswith("ت") and len(word) <= 5)
