"""Generic actors: «قوات الأمن», «مسلحون مجهولون», «المتظاهرين», «الأهالي», «رجال الأمن».

They are not named entities, but events are full of them. ``data/agents.json`` maps
about a thousand such phrases to the codebook's roles (derived from UniversalPetrarch's
agent dictionary, checked and extended by hand). A phrase's first word may carry the
article and proclitics («والمتظاهرين»); a nisba right after it gives its country
(«عناصر الشرطة البحرينية» → BH COP), else the article around it (``processors.context``).
Words an entity already covers are left to it, but for the nisba, which is also a
nationality entity.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import orjson

from processors.arabic import non_overlapping, proclitic_readings, reading_start
from processors.context import ArticleCountries
from schemas import Agent, EnrichedArticle, Entity, NormalizedArticle, NormalizedField, Token


@dataclass(frozen=True, slots=True)
class _Found:
    last: int  # its last token
    start: int  # where it starts in the original text, after its proclitics
    role: str
    country: str | None


class AgentFinder:
    """``(NormalizedArticle, EnrichedArticle) -> EnrichedArticle`` with its ``agents``."""

    name = "find_agents"

    def __init__(self, match_form: Callable[[str], str], nisbas: Mapping[str, str]) -> None:
        raw = orjson.loads(resources.files("processors").joinpath("data/agents.json").read_bytes())
        self._phrases: dict[tuple[str, ...], str] = {}
        for group in raw["agents"]:
            for phrase in group["phrases"]:
                words = tuple(match_form(phrase).split())
                if words:
                    self._phrases.setdefault(words, group["role"])
        self._first_words = frozenset(words[0] for words in self._phrases)
        self._longest = max(len(words) for words in self._phrases)
        self._nisbas = nisbas
        self._honorifics = frozenset(match_form(word) for phrase in raw["honorifics"] for word in phrase.split())

    def __call__(self, normalized: NormalizedArticle, enriched: EnrichedArticle) -> EnrichedArticle:
        if enriched.language != "ar":
            return enriched
        agents, entities = [], []
        context = ArticleCountries(enriched.entities)
        for field, text, tokens in (("title", enriched.article.title, normalized.title),
                                    ("body", enriched.article.body, normalized.body)):
            in_field = [e for e in enriched.entities if e.field == field]
            if text is None or tokens is None:
                entities += in_field
                continue
            found = self._field(field, text, tokens, [(e.start, e.end) for e in in_field])
            found = [a if a.country else a.model_copy(update={"country": context.country_at(field, a.start, a.role)})
                     for a in found]
            agents += found
            entities += self._titled(tokens.tokens, found, in_field)
        entities.sort(key=lambda e: (e.field != "title", e.start))
        return enriched.model_copy(update={"agents": agents, "entities": entities})

    def _titled(self, tokens: Sequence[Token], agents: Sequence[Agent], entities: Sequence[Entity]) -> list[Entity]:
        """«وزير الخارجية القطري الدكتور محمد …»: a person named right after a title, honorifics
        between, holds it. He takes the title's role, and its country unless his own is known."""
        ends = [t.end for t in tokens]
        after_title = {bisect_left(ends, a.end) + 1: a for a in agents}  # the token after each title
        titled = []
        for entity in entities:
            k = bisect_right(ends, entity.start)  # the entity's first token
            while k not in after_title and k > 0 and tokens[k - 1].norm in self._honorifics:
                k -= 1
            title = after_title.get(k) if entity.type == "PERS" and entity.role is None else None
            titled.append(entity if title is None else
                          entity.model_copy(update={"role": title.role, "country": entity.country or title.country}))
        return titled

    def _field(self, field: str, text: str, normalized: NormalizedField,
               entity_spans: Sequence[tuple[int, int]]) -> list[Agent]:
        tokens = normalized.tokens
        taken = _covered(tokens, entity_spans)
        agents = []
        for found in non_overlapping(len(tokens), taken, lambda i: self._phrase_at(text, tokens, i, taken)):
            end = tokens[found.last].end
            agents.append(Agent(text=text[found.start:end], start=found.start, end=end, field=field,
                                role=found.role, country=found.country))
        return agents

    def _phrase_at(self, text: str, tokens: Sequence[Token], i: int, taken: Sequence[bool]) -> _Found | None:
        """The longest phrase at ``i``, with the nisba after it (also the nationality entity)."""
        token = tokens[i]
        for reading, consumed in proclitic_readings(token.norm):
            first = reading[2:] if reading.startswith("ال") and reading[2:] in self._first_words else reading
            if first not in self._first_words:
                continue
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                if any(taken[i:i + size]):
                    continue
                role = self._phrases.get((first, *(t.norm for t in tokens[i + 1:i + size])))
                if role is not None:
                    last = i + size - 1
                    country = self._nisbas.get(tokens[last + 1].norm) if last + 1 < len(tokens) else None
                    return _Found(last + (country is not None), reading_start(text, token, reading, consumed),
                                  role, country)
        return None


def _covered(tokens: Sequence[Token], spans: Sequence[tuple[int, int]]) -> list[bool]:
    """Which tokens an entity's span overlaps."""
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    covered = [False] * len(tokens)
    for start, end in spans:
        for k in range(bisect_right(ends, start), bisect_left(starts, end)):
            covered[k] = True
    return covered
