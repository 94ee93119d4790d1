"""Event assembly: online clustering across outlets, copies, replay, bounded state, merged actions."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from components import CODER, EXTRACTOR, NORMALIZER, WEIGHER
from hypothesis import given, settings
from hypothesis import strategies as st

from processors import EventAssembler, WindowState, event_id_for
from processors.assemble import _length
from schemas import Article, EnrichedArticle, Terms

START = datetime(2024, 12, 1, 8, 0)

CALL = ("أجرى وزير الخارجية الروسي سيرغي لافروف اتصالا هاتفيا مع نظيره التركي هاكان فيدان بحثا خلاله "
        "الأوضاع في مدينة حلب السورية وتنسيق الجهود بشأن سوريا.")
CALL_AGAIN = ("بحث وزير الخارجية الروسي سيرغي لافروف في اتصال هاتفي مع نظيره التركي هاكان فيدان التطورات "
              "في حلب السورية، وأكد الوزيران تنسيق الجهود بشأن الأوضاع في سوريا.")
FLOOD = ("غمرت السيول عددا من أحياء مدينة جدة بعد أمطار غزيرة، وأعلن الدفاع المدني إنقاذ عشرات الأسر "
         "المحاصرة في المياه وإغلاق عدد من الأنفاق.")


def enriched(article_id: str, body: str, *, title: str | None = None, source: str = "outlet",
             hours: float = 0.0) -> EnrichedArticle:
    published = (START + timedelta(hours=hours)).isoformat()
    normalized = NORMALIZER(Article(id=article_id, source=source, title=title, body=body, published_at=published))
    result = EXTRACTOR(normalized)
    for component in (CODER, WEIGHER):
        result = component(normalized, result)
    return result


def test_the_first_article_opens_an_event_with_its_entities_and_actions():
    state = WindowState()
    event, mention = EventAssembler()(enriched("a", CALL, title="لافروف وفيدان يبحثان الوضع في حلب"), state)
    assert event.event_id == event_id_for("a") == mention.event_id
    assert (mention.relation, mention.similarity) == ("opened", None)
    assert {"Sergey Lavrov", "Hakan Fidan", "Aleppo"} <= {e.canonical for e in event.entities}
    assert [(a.plover, a.actor1.canonical, a.actor2.canonical) for a in event.actions] == \
        [("CONSULT", "Sergey Lavrov", "Hakan Fidan")]


def test_another_outlets_report_joins_the_event_and_its_actions_merge():
    state = WindowState()
    assembler = EventAssembler()
    assembler(enriched("a", CALL, title="لافروف وفيدان يبحثان الوضع في حلب", source="one"), state)
    event, mention = assembler(enriched("b", CALL_AGAIN, title="اتصال بين لافروف وفيدان حول حلب", source="two",
                                        hours=3), state)
    assert (mention.event_id, mention.relation) == (event_id_for("a"), "joined")
    assert mention.similarity >= assembler.threshold
    assert (event.article_ids, event.sources, event.num_sources) == (["a", "b"], ["one", "two"], 2)
    assert len([a for a in event.actions if a.plover == "CONSULT"]) == 1


def test_a_different_happening_opens_its_own_event():
    state = WindowState()
    assembler = EventAssembler()
    assembler(enriched("a", CALL, title="لافروف وفيدان يبحثان الوضع في حلب"), state)
    event, mention = assembler(enriched("c", FLOOD, title="سيول في جدة", hours=1), state)
    assert (event.event_id, mention.relation) == (event_id_for("c"), "opened")


def test_the_same_story_after_the_window_is_a_new_event():
    state = WindowState()
    assembler = EventAssembler()
    assembler(enriched("a", CALL, title="لافروف وفيدان يبحثان الوضع في حلب"), state)
    event, _ = assembler(enriched("b", CALL_AGAIN, title="اتصال بين لافروف وفيدان", hours=72), state)
    assert event.event_id == event_id_for("b")


def test_a_near_duplicate_joins_the_event_of_the_article_it_copies():
    state = WindowState()
    assembler = EventAssembler()
    assembler(enriched("a", CALL), state)
    copy = enriched("b", FLOOD, hours=1).model_copy(update={"duplicate_of": "a", "similarity": 0.8})
    event, mention = assembler(copy, state)
    assert (mention.event_id, mention.relation) == (event_id_for("a"), "copy")


def test_replaying_an_article_changes_nothing():
    state = WindowState()
    assembler = EventAssembler()
    assembler(enriched("a", CALL), state)
    first = assembler(enriched("b", CALL_AGAIN, hours=2), state)
    before = dict(state.records)
    assert assembler(enriched("b", CALL_AGAIN, hours=2), state) == first
    assert state.records == before


def test_state_stays_bounded_over_a_long_stream():
    state = WindowState()
    assembler = EventAssembler()
    sizes = []
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = random.Random(7)
    for n in range(400):  # one story an hour for 400 hours, each in words of its own
        body = " ".join("".join(words.choice(letters) for _ in range(6)) for _ in range(40))
        assembler(enriched(f"s{n}", body, hours=n), state)
        sizes.append(len(state.records))
    assert max(sizes[200:]) <= max(sizes[:200]) * 1.2
    assert not any(key == f"e:{event_id_for('s0')}" for key in state.records)


def _unit(weights: dict[str, float]) -> dict[str, float]:
    """Rounded to a unit vector, as the term weigher writes them."""
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: round(w / norm, 5) for term, w in weights.items()}


vectors = st.dictionaries(st.sampled_from("abcdefghij"), st.floats(0.01, 10), max_size=8)


@settings(max_examples=300, deadline=None)
@given(lead=vectors, body=vectors, lead_centroid=vectors, body_centroid=vectors,
       entities=st.sets(st.sampled_from("pqrs")), known=st.lists(st.sampled_from("pqrs"), unique=True),
       hours=st.floats(0, 96), floor=st.floats(0, 1.2))
def test_a_candidate_is_left_unscored_only_when_it_could_not_reach_the_floor(
        lead, body, lead_centroid, body_centroid, entities, known, hours, floor):
    """The body cosine is skipped for a candidate whose bound falls short: what the assembler then
    picks is what it would pick scoring every candidate in full."""
    assembler = EventAssembler()
    terms = Terms(lead=_unit(lead), body=_unit(body))
    record = {"lead": lead_centroid, "body": body_centroid, "entities": known, "last": 0,
              "norms": [_length(lead_centroid), _length(body_centroid)]}
    body_bound = _length(terms.body)
    now = int(hours * 3600)
    full = assembler._score(terms, entities, record, now, body_bound, floor=-math.inf)
    score = assembler._score(terms, entities, record, now, body_bound, floor)
    assert score == full if score is not None else full < floor
