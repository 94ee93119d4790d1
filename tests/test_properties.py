"""Property-based tests: the processors on random Unicode never raise, and offsets stay in bounds."""

from __future__ import annotations

from components import CODER, EXTRACTOR, NORMALIZER, WEIGHER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processors import Deduplicator, EventAssembler, WindowState
from schemas import Article

WORDS = ["لافروف", "فيدان", "اتصالا", "مع", "بنظيره", "استقبل", "هجوم", "لم", "سيزور", "برئاسة", "بين", "و"]
ARABIC = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئىةـًٌٍَُِّْ٠١٢٣ ،.؟\n")
                         + ["\u200f", "\u202e", "\u200d", "\x00", "<b>", "&amp;", "ﻻ", "ی", "ک"])
TEXT = st.one_of(st.text(min_size=1, max_size=300),
                 st.lists(ARABIC, min_size=1, max_size=200).map("".join),
                 st.lists(st.one_of(ARABIC, st.sampled_from(WORDS)), min_size=1, max_size=60).map(" ".join))
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(body=TEXT, title=st.one_of(st.none(), TEXT))
def test_normalization_keeps_every_span_inside_the_original(body, title):
    if not body.strip():
        return
    article = NORMALIZER(Article(id="p", source="s", title=title, body=body, published_at="2024-11-30T12:00:00"))
    for text, field in ((body, article.body), (title, article.title)):
        if field is None:
            continue
        for token in field.tokens:
            assert 0 <= token.start < token.end <= len(text) and token.norm
        for sentence in field.sentences:
            assert 0 <= sentence.start < sentence.end <= len(text)
    for found in article.dates:
        source = body if found.field == "body" else title
        assert source[found.start:found.end] == found.text


@PROPERTY_SETTINGS
@given(body=TEXT, title=st.one_of(st.none(), TEXT))
def test_extraction_and_dedup_never_raise_and_entities_are_slices(body, title):
    if not body.strip():
        return
    normalized = NORMALIZER(Article(id="p", source="s", title=title, body=body))
    Deduplicator()(normalized, WindowState())
    for entity in EXTRACTOR(normalized).entities:
        source = body if entity.field == "body" else title
        assert source[entity.start:entity.end] == entity.text and entity.start < entity.end


@PROPERTY_SETTINGS
@given(bodies=st.lists(TEXT, min_size=1, max_size=4), title=st.one_of(st.none(), TEXT))
def test_actions_and_assembly_never_raise_and_triggers_are_slices(bodies, title):
    state = WindowState()
    assembler = EventAssembler()
    for n, body in enumerate(bodies):
        if not body.strip():
            continue
        normalized = NORMALIZER(Article(id=f"p{n}", source="s", title=title, body=body,
                                        published_at=f"2024-11-30T1{n}:00:00"))
        enriched = WEIGHER(normalized, CODER(normalized, EXTRACTOR(normalized)))
        for action in enriched.actions:
            source = body if action.trigger.field == "body" else title
            assert source[action.trigger.start:action.trigger.end] == action.trigger.text
            assert action.trigger.start < action.trigger.end
            assert action.sentence.field == action.trigger.field
            assert 0 <= action.sentence.start <= action.trigger.start < action.trigger.end <= action.sentence.end
            assert action.sentence.end <= len(source)
        event, mention = assembler(enriched, state)
        assert mention.article_id in event.article_ids
