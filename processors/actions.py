"""Action coding: who did what to whom, where and when, as PLOVER categories and CAMEO codes.

A lexicon of trigger verbs and nouns (``data/actions.json``, written for Akhbar)
is matched on the tokens' match forms, with or without proclitics. For each trigger,
within its sentence:

- actor1 is the subject: the entity right after a verb (verb-subject order), else the
  nearest entity before the trigger, else the one after «برئاسة»;
- actor2 is the first later entity after a cue («مع», «إلى», «ضد», «ب» on the word…)
  or right after the subject; a counterpart («نظيره التركي») is already an entity;
- the location is the nearest place that is not a country; the date is a date written
  in the sentence, else the day of publication.

Negated, future, conditional and wished-for happenings (a cue among the three words
before the trigger, or a purpose «ل» on it) are not coded: they did not happen.
Only triggers with at least one actor become actions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
import dataclasses
from dataclasses import dataclass
from importlib import resources

import orjson

from processors.arabic import original_offset, proclitic_readings
from processors.cameo import CameoScale
from processors.registry import Canonical, Registry
from schemas import (
    Action,
    ActorRef,
    Agent,
    EnrichedArticle,
    Entity,
    NormalizedArticle,
    NormalizedField,
    Sentence,
    Trigger,
)

PROCLITICS = ("", "و", "ف", "ب", "ك", "ل", "وب", "وك", "ول", "فب", "فك", "فل")
PAST_SUFFIXES = ("", "ت", "ا", "تا", "وا")
PRESENT_FORMS = (("ي", ""), ("ت", ""), ("ي", "ان"), ("ت", "ان"), ("ي", "ون"))
CUE_WINDOW = 3  # words before a trigger searched for negation, future, condition or wish
SUBJECT_GAP = 3  # words a verb's subject may start after the verb
SUBJECT_INSIDE = 4  # words of a subject at most inside a verb phrase («فتحت الشرطة تحقيقا»)
SUBJECT_DISTANCE = 8  # words at most between a subject before the trigger and the trigger
CHAIR_GAP = 2  # «برئاسة» at most this many words after the trigger
OBJECT_GAP = 6  # words at most between a verb's subject and its direct object
CUE_GAP = 4  # «مع وزير خارجية تركيا»: a cue at most this many words before the entity
PLACE_DISTANCE = 8  # words at most between the trigger and its place
HONORIFIC_GAP = 2  # «وزير التعليم الدكتور عزام الدخيل»: words at most between a title and its holder


@dataclass(frozen=True)
class Entry:
    plover: str
    cameo: str
    verb: bool
    words: int  # tokens in the trigger phrase


@dataclass(frozen=True, slots=True)
class _Report:
    """Where a trigger is: its field, sentence and date, and the article that reports it."""

    field: str
    text: str
    tokens: Sequence
    sentence: Sentence
    date: str | None
    article_id: str
    source: str


@dataclass(frozen=True)
class Placed:
    """An entity or agent with its token range in the field."""

    entity: Entity | Agent
    first: int
    last: int
    canonical: Canonical | None
    locative: bool = False  # a state named as where («في شمال سوريا»), not as who
    type: str | None = dataclasses.field(init=False)  # the entity type; an agent has none
    entity_id: str | None = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        named = isinstance(self.entity, Entity)
        object.__setattr__(self, "type", self.entity.type if named else None)
        object.__setattr__(self, "entity_id", self.entity.entity_id if named else None)


class ActionCoder:
    """``(NormalizedArticle, EnrichedArticle) -> EnrichedArticle`` with its ``actions`` filled in."""

    name = "code_actions"

    def __init__(self, registry: Registry, match_form: Callable[[str], str]) -> None:
        raw = orjson.loads(resources.files("processors").joinpath("data/actions.json").read_bytes())
        self._triggers: dict[tuple[str, ...], Entry] = {}
        for item in raw["triggers"]:
            # the accusative: «تحقيقا»; a noun in «ة» takes none we can see («مصادرةً», not «مصادرها»)
            nouns = [form for noun in item.get("nouns", ()) for form in
                     ((noun,) if noun.endswith("ة") else (noun, noun + "ا", noun + "ًا"))]
            verbs = [*item.get("forms", ())]
            for verb in item.get("verbs", ()):
                past, present, tail = _verb_parts(verb)
                verbs += [past + s + tail for s in PAST_SUFFIXES] + [p + present + s + tail for p, s in PRESENT_FORMS]
            for forms, verb in ((nouns, False), (verbs, True)):
                for form in forms:
                    words = tuple(match_form(form).split())
                    if words:
                        self._triggers.setdefault(words, Entry(item["plover"], item["cameo"], verb, len(words)))
        self._sizes: dict[str, tuple[int, ...]] = {}  # a trigger's first word -> the trigger lengths, longest first
        for words in self._triggers:
            self._sizes[words[0]] = tuple(sorted({*self._sizes.get(words[0], ()), len(words)}, reverse=True))
        self._verb_tails: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}  # first word -> (rest, entry)
        for words, entry in self._triggers.items():
            if entry.verb and len(words) > 1:
                self._verb_tails.setdefault(words[0], []).append((words[1:], entry))
        # The first word of each trigger with the proclitics it may carry, to its readings.
        self._openers: dict[str, list[tuple[str, int]]] = {}
        for words in self._triggers:
            for proclitic in PROCLITICS:
                self._openers.setdefault(proclitic + words[0], [])
                if (words[0], len(proclitic)) not in self._openers[proclitic + words[0]]:
                    self._openers[proclitic + words[0]].append((words[0], len(proclitic)))
        self._bare_openers = {form: [(word, 0) for word, prefix in readings if not prefix]
                              for form, readings in self._openers.items() if any(not p for _, p in readings)}
        self._futures = frozenset("س" + match_form(p + _verb_parts(verb)[1] + s)
                                  for item in raw["triggers"] for verb in item.get("verbs", ())
                                  for p, s in PRESENT_FORMS)
        blocked = raw["not_happened"]
        self._not_happened = frozenset(match_form(w) for words in blocked.values() for w in words)
        self._object_cues = frozenset(match_form(w) for w in raw["cues"]["object"])
        self._between_cue = match_form("بين")
        self._chair_cues = frozenset(match_form(w) for w in raw["cues"]["chair"])
        self._done = match_form("تم")
        self._peer = match_form("نظير")
        self._places_cues = frozenset(match_form(w) for w in raw["cues"]["place"])
        self._compass = frozenset(match_form(w) for w in raw["cues"]["compass"])
        self._agent_cues = frozenset(tuple(match_form(cue).split()) for cue in raw["cues"]["agent"])
        self._entities = {entity.entity_id: entity for entity, _ in registry.entries}
        self._scale = CameoScale()

    def __call__(self, normalized: NormalizedArticle, enriched: EnrichedArticle) -> EnrichedArticle:
        if enriched.language != "ar":
            return enriched
        day = enriched.published[:10] if enriched.published else None
        actions: list[Action] = []
        fields = [("title", enriched.article.title, normalized.title), ("body", enriched.article.body, normalized.body)]
        for field, text, tokens in fields:
            if text is None or tokens is None:
                continue
            actors = sorted([e for e in [*enriched.entities, *enriched.agents] if e.field == field],
                            key=lambda actor: actor.start)
            dates = [d for d in normalized.dates if d.field == field]
            actions += self._code_field(enriched, field, text, tokens, actors, dates, day, actions)
        return enriched.model_copy(update={"actions": merge_actions([], actions)})

    def _code_field(self, enriched: EnrichedArticle, field: str, text: str, normalized: NormalizedField,
                    entities: Sequence[Entity | Agent], dates, day: str | None,
                    previous: Sequence[Action]) -> list[Action]:
        """The actions of one field; ``previous`` are those of the fields before it."""
        tokens = normalized.tokens
        starts = [t.start for t in tokens]
        ends = [t.end for t in tokens]
        placed = self._place(tokens, starts, ends, entities)
        placed_firsts = [p.first for p in placed]
        actions = []
        for sentence in normalized.sentences:
            first = bisect_left(starts, sentence.start)
            last = bisect_right(ends, sentence.end) - 1
            in_sentence = [p for p in placed[bisect_left(placed_firsts, first):bisect_right(placed_firsts, last)]
                           if p.last <= last]
            sentence_date = next((d.date for d in dates if sentence.start <= d.start < sentence.end), None)
            subject = None  # the sentence's last verb's actor1, for a verb that has none of its own
            i = first
            while i <= last:
                token = tokens[i]
                if token.norm not in self._openers and token.base not in self._bare_openers:
                    i += 1  # most words open no trigger
                    continue
                found = self._trigger_at(tokens, i, last)
                if found is None:
                    i += 1
                    continue
                entry, prefix, end = found
                purpose = "ل" in tokens[i].norm[:prefix]
                anaphoric = not entry.verb and tokens[i].base != tokens[i].norm and any(
                    a.plover == entry.plover for a in [*previous, *actions])
                if purpose or anaphoric or not self._happened(tokens, i, first):
                    i = end + 1
                    continue
                report = _Report(field, text, tokens, Sentence(start=sentence.start, end=sentence.end, field=field),
                                 sentence_date or day, enriched.id, enriched.article.source)
                coded, subject = self._actions(report, i, prefix, end, entry, in_sentence, placed, subject)
                actions += coded
                i = end + 1
        return actions

    def _trigger_at(self, tokens, i: int, last: int) -> tuple[Entry, int, int] | None:
        """The longest trigger starting at token ``i``: its entry, the length of the proclitics
        before it and its last token. A verb phrase may have its subject inside («فتحت الشرطة
        تحقيقا»: «فتح تحقيقا»), when no trigger is written whole."""
        token = tokens[i]
        readings = [(form, prefix, False) for form, prefix in self._openers.get(token.norm, ())]
        if token.base != token.norm and token.base in self._bare_openers:
            # «الهجوم» is the noun «هجوم» too, though «الهجوم الإرهابي» is listed; a word with
            # the article is never a verb («البحث», «الطالب»)
            readings += [(form, prefix, True) for form, prefix in self._bare_openers[token.base]]
        if not readings:
            return None
        best = None
        for form, prefix, bare in readings:
            for size in self._sizes[form]:  # longest first
                if best is not None and size <= best[2] - i + 1:
                    break
                if size > last - i + 1:
                    continue
                entry = self._triggers.get((form, *(t.norm for t in tokens[i + 1:i + size])))
                if entry is not None and entry.words == size and not (bare and entry.verb):
                    best = entry, prefix, i + size - 1
                    break
        if best is not None:
            return best
        for form, prefix, bare in readings:
            if bare:
                continue
            for tail, entry in self._verb_tails.get(form, ()):
                for gap in range(1, SUBJECT_INSIDE + 1):
                    start = i + 1 + gap
                    if start + len(tail) - 1 <= last and tuple(t.norm for t in tokens[start:start + len(tail)]) == tail:
                        return entry, prefix, start + len(tail) - 1
        return None

    def _happened(self, tokens, i: int, first: int) -> bool:
        if tokens[i].norm in self._futures:
            return False
        window = tokens[max(first, i - CUE_WINDOW):i]
        return not any(t.norm in self._not_happened or t.base in self._not_happened
                       or (len(t.norm) > 1 and t.norm[0] in "وف" and t.norm[1:] in self._not_happened)
                       for t in window)

    def _actions(self, report: _Report, i: int, prefix: int, end: int, entry: Entry, placed: Sequence[Placed],
                 in_field: Sequence[Placed], subject: Placed | None) -> tuple[list[Action], Placed | None]:
        """The trigger's actions, one for each pair of coordinated actors («طالبت الشركة فرنسا
        وبريطانيا» is two demands), and the subject a following verb may carry over."""
        tokens = report.tokens
        actor1, actor2 = self._roles(tokens, i, prefix, end, entry, placed, subject)
        if actor1 is None and actor2 is None:
            return [], subject
        if entry.plover in PASSIVE_PRONE and _victim(actor1) and not _victim(actor2):
            actor1, actor2 = actor2, actor1  # «مدنيون … في قصف»: civilians do not shell
        if actor1 is None:  # the sentence's other actor, else the nearest of the field
            actor1 = _nearest(placed, i, end, actor2) or _nearest(in_field, i, end, actor2)
        after_verb = actor1 is not None and actor1.first > end  # «قالت مصر والسعودية»: both speak
        firsts = [actor1, *_coordinated(tokens, actor1, placed)] if after_verb else [actor1]
        seconds = [actor2, *_coordinated(tokens, actor2, placed)]
        return [self._make(report, i, prefix, end, entry, one, two, placed)
                for one in firsts for two in seconds
                if one is None or two is None or not (one is two or _same(one, two))], \
            (actor1 if entry.verb else None) or subject

    def _roles(self, tokens, i: int, prefix: int, end: int, entry: Entry, placed: Sequence[Placed],
               subject: Placed | None) -> tuple[Placed | None, Placed | None]:
        """(actor1, actor2) of the trigger at tokens ``i..end``; ``subject`` is the actor1 of the
        sentence's last verb, which a participle, or a verb joined by «و» with no subject of its
        own, carries."""
        actors = [p for p in placed if _is_actor(p)]
        before = [p for p in actors if p.last < i]
        after = [p for p in actors if p.first > end]
        chairs = [p for p in after if any(
            t.norm in self._chair_cues for t in tokens[end + 1:min(p.first, end + 1 + CHAIR_GAP)])
            and p.first - end <= CHAIR_GAP + CUE_GAP]
        # «برئاسة رئيس مجلس الوزراء محمد الجلالي»: the person who chairs, not the body in his title
        chaired = next((p for p in chairs if p.type == "PERS"), chairs[0] if chairs else None)
        if self._passive(tokens, i, end, entry, after):  # «تم اعتقال المتهمين على يد الشرطة», «قتل مدنيون»
            return self._agentive(tokens, end, after), next(iter(after), None)
        inside = [p for p in actors if i < p.first and p.last < end]
        if inside:  # «فتحت الشرطة تحقيقا»: the subject inside the verb phrase
            actor1 = inside[0]
        elif subject is not None and entry.verb and self._participle(tokens[i], prefix):
            actor1 = subject  # «مشيدا بجهود رجال الأمن»: the one who praises is the sentence's subject
        elif chaired is not None:  # «اجتماع برئاسة …»
            actor1 = chaired
        elif after and entry.verb and after[0].first - end <= SUBJECT_GAP and not self._counterpart(tokens, after[0]):
            # verb, then its subject; «يستقبل نظيره» is an object, the counterpart of the subject
            actor1 = after[0]
        elif after and not entry.verb and after[0].first == end + 1 and not _governed(tokens[after[0].first]):
            actor1 = after[0]  # «هجوم داعش»: the noun's agent follows it
        elif subject is not None and entry.verb and prefix > 0 and tokens[i].norm[0] in "وف":
            actor1 = subject  # «… ونقل تحيات»: a verb joined by «و» with no subject of its own
        elif before and i - before[-1].last <= SUBJECT_DISTANCE:  # «أجرى لافروف محادثة»
            actor1 = before[-1]
        else:
            actor1 = None
        if actor1 is None:  # «اتصال بين لافروف وفيدان»
            pair = self._between(tokens, end, after)
            if pair is not None:
                return pair
        rest = [p for p in after if actor1 is None or p.first > actor1.last]
        actor2 = None
        if actor1 is not None and actor1.last < i and tokens[actor1.first].norm[:1] == "و":
            partner = next((p for p in before if p.last == actor1.first - 1 and not _same(p, actor1)), None)
            if partner is not None:  # «لافروف وفيدان يبحثان»: two subjects, each the other's partner
                return partner, actor1
        for k, candidate in enumerate(rest):
            if actor1 is not None and _same(candidate, actor1):
                continue
            cued = any(t.norm in self._object_cues for t in tokens[max(end + 1, candidate.first - CUE_GAP):candidate.first])
            direct = entry.verb and actor1 is not None and candidate.first - actor1.last <= OBJECT_GAP
            if cued or _governed(tokens[candidate.first]) or direct:
                actor2 = candidate
                following = rest[k + 1] if k + 1 < len(rest) else None
                if (following is not None and candidate.canonical is not None and candidate.canonical.kind == "country"
                        and following.first == candidate.last + 1 and following.type == "PERS"):
                    actor2 = following  # «وزير خارجية تركيا هاكان فيدان»: the person, not the country
                break
        if actor1 is not None and actor2 is None and chaired is None:  # a chaired meeting is the body's own
            actor2 = _nearest(placed, i, end, actor1)
        return actor1, actor2

    @staticmethod
    def _participle(token, prefix: int) -> bool:
        """«مشيدا», «معربة»: an active participle, whose subject is its sentence's."""
        word = token.norm[prefix:]
        return word[:1] == "م" and word[-1:] in ("ا", "ه")

    def _counterpart(self, tokens, placed: Placed) -> bool:
        """«نظيره الإيراني», «بنظيره»: the subject's counterpart, so not the subject."""
        return any(reading.startswith(self._peer) for reading, _ in proclitic_readings(tokens[placed.first].norm))

    def _passive(self, tokens, i: int, end: int, entry: Entry, after: Sequence[Placed]) -> bool:
        """«تم + maṣdar» («تم اعتقال»), or a violent or coercive verb whose subject would be a
        victim («قتل مدنيون»: no vowels tell the passive, but civilians do not kill)."""
        if not entry.verb:
            return i > 0 and any(reading == self._done for reading, _ in proclitic_readings(tokens[i - 1].norm))
        subject = next(iter(after), None)
        return (entry.plover in PASSIVE_PRONE and subject is not None and subject.first - end <= SUBJECT_GAP
                and _victim(subject))

    def _agentive(self, tokens, end: int, after: Sequence[Placed]) -> Placed | None:
        """Who did it, in a passive: the actor after «على يد», «من قبل», «برصاص», «بواسطة»."""
        for candidate in after:
            window = tuple(t.norm for t in tokens[max(end + 1, candidate.first - 2):candidate.first])
            if any(window[k:] in self._agent_cues for k in range(len(window))):
                return candidate
        return None

    def _between(self, tokens, end: int, after: Sequence[Placed]) -> tuple[Placed, Placed] | None:
        first = next((p for p in after if p.first - end <= CUE_GAP and tokens[p.first - 1].norm == self._between_cue),
                     None)
        if first is None:
            return None
        second = next((p for p in after if p.first == first.last + 1 and tokens[p.first].norm[:1] == "و"), None)
        return (first, second) if second is not None and not _same(first, second) else None

    def _make(self, report: _Report, i: int, prefix: int, end: int, entry: Entry,
              actor1: Placed | None, actor2: Placed | None, placed: Sequence[Placed]) -> Action:
        tokens, text = report.tokens, report.text
        places = [p for p in placed if p.type == "LOC" and not _is_actor(p)
                  and min(abs(p.first - end), abs(i - p.last)) <= PLACE_DISTANCE]
        location = min(places, key=lambda p: abs(p.first - i), default=None)
        confidence = 0.3 + 0.3 * (actor1 is not None) + 0.2 * (actor2 is not None) \
            + 0.1 * (actor1 is not None and actor1.canonical is not None) + 0.1 * entry.verb
        start = tokens[i].start
        if prefix:  # the trigger starts after its proclitics («وبحث» → «بحث»)
            start += original_offset(text[tokens[i].start:tokens[i].end], prefix)
        trigger = Trigger(text=text[start:tokens[end].end], start=start, end=tokens[end].end, field=report.field)
        return Action(actor1=self._ref(actor1), actor2=self._ref(actor2), plover=entry.plover, cameo=entry.cameo,
                      quad_class=self._scale.quad_class(entry.cameo), goldstein=self._scale.goldstein(entry.cameo),
                      trigger=trigger, sentence=report.sentence, location=self._ref(location), date=report.date,
                      confidence=round(confidence, 2), article_ids=[report.article_id], sources=[report.source],
                      num_articles=1, num_sources=1)

    def _locative(self, tokens, first: int) -> bool:
        """«في سوريا», «في شمال سوريا», «داخل تركيا»: the words before say where."""
        before = [t.norm for t in tokens[max(0, first - 2):first]]
        if before and before[-1] in self._compass:
            before = before[:-1]
        return bool(before and before[-1] in self._places_cues)

    def _place(self, tokens, starts: list[int], ends: list[int], entities: Sequence[Entity | Agent]) -> list[Placed]:
        """Each entity or agent with its token range, from the tokens' start and end offsets."""
        placed = []
        for entity in entities:
            first = bisect_right(ends, entity.start)  # the first token ending after the entity starts
            last = bisect_left(starts, entity.end) - 1  # the last token starting before it ends
            if 0 <= first <= last < len(starts):
                canonical = self._entities.get(entity.entity_id) if isinstance(entity, Entity) else None
                placed.append(Placed(entity, first, last, canonical, self._locative(tokens, first)))
        return _titles_joined(placed)

    @staticmethod
    def _ref(placed: Placed | None) -> ActorRef | None:
        """The entity in its role, with the actor code extraction gave it (country and role)."""
        if placed is None:
            return None
        actor = placed.entity
        named = isinstance(actor, Entity)
        return ActorRef(entity_id=placed.entity_id, canonical=actor.canonical if named else None,
                        text=actor.text, country=actor.country, sector=actor.role,
                        latitude=actor.latitude if named else None, longitude=actor.longitude if named else None)


def _verb_parts(verb: str) -> tuple[str, str, str]:
    """``"أطلق|طلق النار على"`` -> past «أطلق», present stem «طلق» and the words that follow
    either form (« النار على»): the first word inflects, the rest of a phrase stays."""
    past, present = verb.split("|")
    stem, space, rest = present.partition(" ")
    return past, stem, space + rest


def _governed(token) -> bool:
    """The word carries a preposition proclitic («بنظيره», «لروسيا»): it is not a subject."""
    return any(prefix and token.norm[prefix - 1] in "بل" for _, prefix in proclitic_readings(token.norm))


PASSIVE_PRONE = frozenset({"ASSAULT", "COERCE"})
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
VICTIM_ROLES = frozenset({"CVL", "CRM", "REF"})


def _titles_joined(placed: list[Placed]) -> list[Placed]:
    """A title and the person who holds it («وزير الخارجية القطري محمد …», who took the
    title's code) are one actor: the person, from the title's first word."""
    people = {p.first: p for p in placed if p.type == "PERS"}
    joined, holders = [], set()
    for p in placed:
        holder = next((people[k] for k in range(p.last + 1, p.last + 1 + HONORIFIC_GAP + 1) if k in people), None)
        if p.type is None and holder is not None and holder.entity.role == p.entity.role:
            joined.append(Placed(holder.entity, p.first, holder.last, holder.canonical))
            holders.add(holder.first)
        else:
            joined.append(p)
    return [p for p in joined if not (p.type == "PERS" and p.first in holders)]


def _nearest(placed: Sequence[Placed], i: int, end: int, other: Placed) -> Placed | None:
    """The actor of ``placed`` (the sentence's, or the field's) nearest the trigger, other than
    ``other`` and of another country or role: the second actor the clause did not name by its
    position."""
    code = (other.entity.country, other.entity.role) if other is not None else None
    candidates = [p for p in placed if _is_actor(p) and p is not other and not _same(p, other)
                  and (p.last < i or p.first > end) and (p.entity.country, p.entity.role) != code]
    return min(candidates, key=lambda p: p.first - end if p.first > end else i - p.last, default=None)


def _victim(placed: Placed | None) -> bool:
    """Civilians, suspects and refugees: a violent or coercive action's patients, not agents."""
    return placed is not None and placed.type is None and placed.entity.role in VICTIM_ROLES


def _coordinated(tokens, actor: Placed | None, placed: Sequence[Placed]) -> list[Placed]:
    """The actors joined to ``actor`` by «و» right after it («فرنسا وبريطانيا»)."""
    joined = []
    while actor is not None:
        actor = next((p for p in placed if p.first == actor.last + 1 and _is_actor(p)
                      and tokens[p.first].norm[:1] == "و" and not _same(p, actor)), None)
        if actor is not None:
            joined.append(actor)
    return joined


def _is_actor(placed: Placed) -> bool:
    """People, organisations, generic actors and countries act; other places are where things happen."""
    if placed.type in ("PERS", "ORG", None):
        return True
    return placed.canonical is not None and placed.canonical.kind == "country" and not placed.locative


def _same(a: Placed, b: Placed) -> bool:
    return a.entity_id is not None and a.entity_id == b.entity_id


def merge_actions(known: Sequence[Action], new: Sequence[Action]) -> list[Action]:
    """Actions deduplicated, in first-seen order: one per (actors, category, date), with every
    report's articles and sources. The most confident report gives the actors' words and
    offsets, and a place any report gives is kept. One without a second actor is folded into
    the same actor's action of that category and day that has both actors."""
    merged: dict[tuple, Action] = {}
    for action in [*known, *new]:
        actors = (_actor_key(action.actor1), _actor_key(action.actor2))
        if action.plover in SYMMETRIC and None not in actors:
            actors = tuple(sorted(actors))  # a call between two is one call, whoever reports it made
        key = (*actors, action.plover, action.date)
        merged[key] = action if key not in merged else _combined(merged[key], action)
    complete: dict[tuple, tuple] = {}
    for key in merged:
        if key[0] is not None and key[1] is not None:
            for actor in key[:2]:
                complete.setdefault((actor, key[2], key[3]), key)
    for key in list(merged):
        whole = complete.get((key[0], key[2], key[3])) if key[1] is None else None
        if whole is not None:
            merged[whole] = _combined(merged[whole], merged.pop(key), keep_actors=True)
    return list(merged.values())


def _combined(one: Action, other: Action, keep_actors: bool = False) -> Action:
    """Two reports of one action: the more confident (``one`` with ``keep_actors``) with both's
    articles and sources, and the other's place where it has none."""
    best, rest = (one, other) if keep_actors or one.confidence >= other.confidence else (other, one)
    article_ids = list(dict.fromkeys([*one.article_ids, *other.article_ids]))
    sources = list(dict.fromkeys([*one.sources, *other.sources]))
    return best.model_copy(update={
        "location": best.location or rest.location, "confidence": max(one.confidence, other.confidence),
        "article_ids": article_ids, "sources": sources, "num_articles": len(article_ids),
        "num_sources": len(sources)})


def _actor_key(actor: ActorRef | None) -> str | None:
    return None if actor is None else actor.entity_id or actor.text
