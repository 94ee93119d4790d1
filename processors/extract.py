"""Entity extraction: registry matches, name phrases and the CRF tagger, merged, then linked
within the article, each entity with its actor code (country and role).

- Registry matches win on boundaries and ids; head-noun phrases («محكمة الجنايات
  الكويتية», ``processors.phrases``) take the registry names inside them; the tagger adds
  what both lack, with a provisional id (a hash of its base forms).
- A nisba that no entity contains («الإيطالي», «السودانية») is a MISC nationality,
  linked to its country.
- An organisation of a state's kind whose words name no country («مجلس الوزراء») takes
  the country of the article around it (``processors.context``).
- A title with a nisba or a country («وزير الخارجية الروسي», «وزير خارجية تركيا») becomes
  a mention of the office holder when the article names him.
- A shorter mention takes the entity of the nearest longer mention of the same type
  that ends like it («الجلالي» → «محمد الجلالي») or starts like it («وزارة الخارجية» →
  «وزارة الخارجية الروسية»).
Every entity keeps offsets into the original title or body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from processors.arabic import PROCLITIC_LETTERS, original_offset, proclitic_readings, reading_start
from processors.context import ArticleCountries
from processors.gazetteer import Gazetteer, Match
from processors.names import NameChains
from processors.ner import NAME_LISTS, NerTagger, spans_from_iob
from processors.phrases import PhraseFinder
from processors.registry import Canonical, Registry
from schemas import EnrichedArticle, Entity, NormalizedArticle, NormalizedField, Span, Token

GENERIC_MINISTER = "minister"
COUNTERPART = "counterpart"  # «نظيره التركي»: whoever of that country the article names


@dataclass(frozen=True)
class Found:
    """An entity being assembled: where it is, its base forms, and what it links to."""

    field: str
    first: int
    last: int
    start: int
    end: int
    type: str
    forms: tuple[str, ...]
    entity: Canonical | None
    office: tuple[str, str] | None = None  # (office, ISO country) of a title phrase
    country: str | None = None  # the actor code the text gives, where the registry gives none
    role: str | None = None


class EntityExtractor:
    """``NormalizedArticle -> EnrichedArticle``: entities with offsets into the original fields."""

    name = "extract"

    def __init__(self, registry: Registry, gazetteer: Gazetteer, tagger: NerTagger,
                 match_form: Callable[[str], str]) -> None:
        self._gazetteer = gazetteer
        self._tagger = tagger
        self._offices: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # first word -> phrases, longest first
        for office, phrases in registry.office_words.items():
            for phrase in phrases:
                words = tuple(match_form(phrase).split())
                self._offices.setdefault(words[0], []).append((words, office))
        for candidates in self._offices.values():
            candidates.sort(key=lambda pair: -len(pair[0]))
        self._nisbas = registry.nisbas_by_form(match_form)
        self._countries = {entity.country: entity for entity, _ in registry.entries if entity.kind == "country"}
        self._phrases = PhraseFinder(match_form, self._nisbas, gazetteer.word_counts)
        self._names = NameChains(NAME_LISTS, gazetteer.word_counts)
        self._ministry = match_form("وزارة")
        self._ministries = frozenset(match_form(word) for word in registry.ministry_words)

    def __call__(self, article: NormalizedArticle) -> EnrichedArticle:
        original = article.article
        found: list[Found] = []
        if article.language == "ar":
            if original.title is not None and article.title is not None:
                found += self._field("title", original.title, article.title)
            found += self._field("body", original.body, article.body)
            found = _link_shorter_mentions(_link_offices(found))
        surfaces: dict[str, str] = {}
        for item in sorted(found, key=lambda f: -(f.end - f.start)):  # the longest mention names it
            if item.entity is not None and item.entity.kind == "provisional":
                surfaces.setdefault(item.entity.entity_id, _text(original, item))
        day = article.published[:10] if article.published else None
        entities = []
        for item in found:
            country, role = item.entity.actor_on(day) if item.entity is not None else (None, None)
            entities.append(Entity(
                text=_text(original, item), type=item.type, start=item.start, end=item.end, field=item.field,
                entity_id=item.entity.entity_id if item.entity else None,
                canonical=surfaces.get(item.entity.entity_id, item.entity.canonical) if item.entity else None,
                country=country or item.country, role=role or item.role,
                **_coordinates(item.entity)))
        context = ArticleCountries(entities)
        entities = [e if e.country or e.type != "ORG" else
                    e.model_copy(update={"country": context.country_at(e.field, e.start, e.role)})
                    for e in entities]
        return EnrichedArticle(
            id=article.id,
            article=original,
            language=article.language,
            published=article.published,
            entities=entities,
            actions=[],
            duplicate_of=article.duplicate_of,
            similarity=article.similarity,
        )

    def _field(self, field: str, text: str, normalized: NormalizedField) -> list[Found]:
        tokens = normalized.tokens
        matches = [m for m in self._gazetteer.matches(text, tokens) if not self._adjective(tokens, m)]
        taken = [False] * len(tokens)
        for m in matches:
            taken[m.first:m.last + 1] = [True] * (m.last - m.first + 1)
        phrases = self._phrases.find(text, tokens, {m.first: m for m in matches}, taken)
        found = self._phrase_entities(field, tokens, phrases)
        inside = [False] * len(tokens)
        for item in found:
            inside[item.first:item.last + 1] = [True] * (item.last - item.first + 1)
        found += [Found(field, m.first, m.last, m.start, m.end, m.entity.type, _forms(tokens, m.first, m.last),
                        m.entity) for m in matches if not inside[m.first]]
        taken = [t or i for t, i in zip(taken, inside, strict=True)]
        offices = self._office_phrases(field, text, tokens, taken)
        untitled = list(taken)  # a title's nisba is a nationality too, unless the title names its holder
        for item in [*offices, *self._bare_ministries(field, tokens, taken)]:
            found.append(item)
            taken[item.first:item.last + 1] = [True] * (item.last - item.first + 1)
            if item.office is None:
                untitled[item.first:item.last + 1] = [True] * (item.last - item.first + 1)
        for item in self._nationalities(field, text, tokens, untitled):
            found.append(item)
            taken[item.first] = True
        for chain in self._names.find(text, tokens, taken):
            forms = _forms(tokens, chain.first, chain.last)
            found.append(Found(field, chain.first, chain.last, chain.start, tokens[chain.last].end, "PERS", forms,
                               _provisional("PERS", forms)))
            taken[chain.first:chain.last + 1] = [True] * (chain.last - chain.first + 1)
        registry_tags = self._gazetteer.iob_tags(matches, len(tokens))
        for first, last in _sentence_ranges(tokens, normalized.sentences):
            labels = self._tagger.tag(tokens[first:last], registry_tags[first:last])
            for span in spans_from_iob(labels):
                a, b = first + span.first, first + span.last
                if any(taken[a:b + 1]) or not any(c.isalpha() for t in tokens[a:b + 1] for c in t.norm):
                    continue
                forms = _forms(tokens, a, b)
                found.append(Found(field, a, b, tokens[a].start, tokens[b].end, span.type, forms,
                                   _provisional(span.type, forms)))
        return sorted(found, key=lambda f: f.start)

    def _adjective(self, tokens: Sequence[Token], match: Match) -> bool:
        """A country name that is also a feminine nisba, after a definite feminine noun, is the
        adjective («الحكومة السعودية», «الطائرات السعودية»), not the state («زار الوزير سورية»)."""
        if match.entity.kind != "country" or match.first != match.last or match.first == 0:
            return False
        before = tokens[match.first - 1].norm
        return (tokens[match.first].norm in self._nisbas and before.startswith("ال") and len(before) > 3
                and before.endswith(("ه", "ات")))

    def _phrase_entities(self, field: str, tokens: Sequence[Token], phrases) -> list[Found]:
        """Head-noun phrases as entities: the registry organisation they name («تنظيم داعش»),
        else a provisional one, with the role and country the phrase gives."""
        found = []
        for phrase in phrases:
            forms = _forms(tokens, phrase.first, phrase.last)
            entity = phrase.known.entity if phrase.known is not None else _provisional(phrase.type, forms)
            found.append(Found(field, phrase.first, phrase.last, phrase.start, tokens[phrase.last].end, phrase.type,
                               forms, entity, country=phrase.country, role=phrase.role))
        return found

    def _nationalities(self, field: str, text: str, tokens: Sequence[Token], taken: list[bool]) -> list[Found]:
        """A nisba no entity contains («الإيطالي», «والسودانيين») is a MISC nationality of its country."""
        found = []
        for i, token in enumerate(tokens):
            if taken[i]:
                continue
            for reading, consumed in proclitic_readings(token.norm):
                iso = self._nisbas.get(reading)
                if iso is not None:
                    country = self._countries.get(iso)
                    entity = Canonical(f"nationality:{iso.lower()}", "MISC",
                                       country.canonical if country else iso, "nationality", iso)
                    found.append(Found(field, i, i, reading_start(text, token, reading, consumed), token.end,
                                       "MISC", (token.base,), entity))
                    break
        return found

    def _office_phrases(self, field: str, text: str, tokens: Sequence[Token], taken: list[bool]) -> list[Found]:
        """«وزير الخارجية الروسي», «وزير خارجية تركيا», «الوزير الإيراني», «بنظيره التركي»:
        (office, country); the first word may carry a proclitic."""
        phrases = []
        i = 0
        while i < len(tokens):
            first, skip = tokens[i].norm, 0
            if first not in self._offices and first[:1] in PROCLITIC_LETTERS and first[1:] in self._offices:
                first, skip = first[1:], 1
            for words, office in self._offices.get(first, ()):
                j = i + len(words)  # the nisba or country after the office words
                if (j >= len(tokens) or any(taken[i:j + 1])
                        or (first, *(t.norm for t in tokens[i + 1:j])) != words):
                    continue
                country = self._nisbas.get(tokens[j].norm)
                if country is None:
                    named = self._gazetteer.lookup((tokens[j].norm,))
                    country = named.country if named is not None and named.kind == "country" else None
                if country is not None:
                    start = tokens[i].start + (original_offset(text[tokens[i].start:tokens[i].end], skip)
                                               if skip else 0)
                    phrases.append(Found(field, i, j, start, tokens[j].end, "PERS",
                                         _forms(tokens, i, j), None, (office, country)))
                    i = j
                    break
            i += 1
        return phrases


    def _bare_ministries(self, field: str, tokens: Sequence[Token], taken: list[bool]) -> list[Found]:
        """«وزارة الخارجية» without its country: linked later to the nearest qualified ministry."""
        found = []
        for i in range(len(tokens) - 1):
            if (tokens[i].norm == self._ministry and tokens[i + 1].norm in self._ministries
                    and not taken[i] and not taken[i + 1]):
                forms = _forms(tokens, i, i + 1)
                found.append(Found(field, i, i + 1, tokens[i].start, tokens[i + 1].end, "ORG", forms,
                                   _provisional("ORG", forms)))
        return found


def _link_offices(found: list[Found]) -> list[Found]:
    """A title phrase becomes a mention of the holder the article names, and its nisba no
    nationality of its own; otherwise the title is dropped and the nisba stays («الروسي»)."""
    people = [f.entity for f in found if f.entity is not None and f.entity.kind == "person"]
    linked, titled = [], set()
    for item in found:
        if item.office is not None:
            holder = _holder(people, *item.office)
            if holder is None:
                continue
            item = replace(item, entity=holder)
            titled.add((item.field, item.last))
        linked.append(item)
    return [item for item in linked if item.type != "MISC" or (item.field, item.first) not in titled]


def _holder(people: list[Canonical], office: str, country: str) -> Canonical | None:
    for person in people:
        for held in person.offices:
            if held.country == country and (held.office == office or office == COUNTERPART or
                                            (office == GENERIC_MINISTER and held.office.endswith("minister"))):
                return person
    return None


def _link_shorter_mentions(found: list[Found]) -> list[Found]:
    """A provisional mention takes the entity of the nearest longer mention of its type that
    ends with it (a surname) or starts with it (a ministry without its country)."""
    linked = []
    for item in found:
        if item.entity is not None and item.entity.kind == "provisional":
            candidates = [other for other in found if other is not item and other.type == item.type
                          and len(other.forms) > len(item.forms) and other.entity is not None
                          and (other.forms[-len(item.forms):] == item.forms
                               or other.forms[:len(item.forms)] == item.forms)]
            if candidates:
                nearest = min(candidates, key=lambda other: (other.field != item.field, abs(other.start - item.start)))
                item = replace(item, entity=nearest.entity)
        linked.append(item)
    return linked


def _coordinates(entity: Canonical | None) -> dict[str, float]:
    if entity is None or entity.coordinates is None:
        return {}
    return {"latitude": entity.coordinates[0], "longitude": entity.coordinates[1]}


def _forms(tokens: Sequence[Token], first: int, last: int) -> tuple[str, ...]:
    return tuple(t.base for t in tokens[first:last + 1])


def _provisional(entity_type: str, forms: tuple[str, ...]) -> Canonical:
    digest = hashlib.blake2b(f"{entity_type}:{' '.join(forms)}".encode("utf-8"), digest_size=6).hexdigest()
    return Canonical(f"provisional:{digest}", entity_type, " ".join(forms), "provisional")


def _text(article, item: Found) -> str:
    return (article.title if item.field == "title" else article.body)[item.start:item.end]


def _sentence_ranges(tokens: Sequence[Token], sentences: Sequence[Span]) -> list[tuple[int, int]]:
    """Token index ranges ``[first, last)`` of each sentence."""
    ranges, i = [], 0
    for sentence in sentences:
        first = i
        while i < len(tokens) and tokens[i].end <= sentence.end:
            i += 1
        if i > first:
            ranges.append((first, i))
    if i < len(tokens):
        ranges.append((i, len(tokens)))
    return ranges
