"""Hostile input: every bad record becomes one dead letter with a clear reason, or is
processed safely; never an exception, never silence."""

from __future__ import annotations

import pytest
from hostile import hostile_records

from schemas import DeadLetter, EnrichedArticle
from streams.runner import InProcessPipeline
from streams.settings import Settings
from streams.topology import build_stages

SETTINGS = Settings(max_article_bytes=256 * 1024)
RECORDS = hostile_records(SETTINGS.max_article_bytes)


@pytest.fixture(scope="module")
def pipeline():
    return InProcessPipeline(build_stages(SETTINGS))


@pytest.mark.parametrize(("name", "raw", "expected"), RECORDS, ids=[name for name, *_ in RECORDS])
def test_each_hostile_record_comes_out_once(pipeline, name, raw, expected):
    outputs = pipeline.feed(raw)
    terminal = [o for o in outputs if o.topic in ("enriched", "duplicates", "dlq")]
    assert len(terminal) == 1, [o.topic for o in outputs]
    [result] = terminal
    if expected.startswith("dlq:"):
        assert isinstance(result.value, DeadLetter)
        assert result.value.reason == expected[4:], result.value.error
        assert result.value.error
        assert len(result.value.original) <= 2 * SETTINGS.max_article_bytes
    else:
        assert result.topic in ("enriched", "duplicates"), getattr(result.value, "error", "")
        assert any(o.topic == "mentions" for o in outputs)
        if isinstance(result.value, EnrichedArticle):
            article = result.value.article
            for span in [*result.value.entities, *result.value.agents, *(a.trigger for a in result.value.actions)]:
                field = article.title if span.field == "title" else article.body
                assert 0 <= span.start < span.end <= len(field) and field[span.start:span.end] == span.text
            for action in result.value.actions:
                field = article.title if action.sentence.field == "title" else article.body
                assert 0 <= action.sentence.start <= action.trigger.start < action.trigger.end \
                    <= action.sentence.end <= len(field)


def test_an_oversized_record_keeps_its_first_bytes_and_says_so(pipeline):
    raw = dict((name, raw) for name, raw, _ in RECORDS)["10 MB body"]
    [output] = pipeline.feed(raw)
    encoded = output.data
    assert output.value.truncated and output.value.original_size == len(raw)
    assert len(encoded) < SETTINGS.max_article_bytes + 4096


def test_a_new_version_of_an_article_is_enriched_under_the_same_key():
    pipeline = InProcessPipeline(build_stages(SETTINGS))
    by_name = {name: raw for name, raw, _ in RECORDS}
    first = [o for o in pipeline.feed(by_name["same id, first content"]) if o.topic == "enriched"]
    second = [o for o in pipeline.feed(by_name["same id, other content"]) if o.topic == "enriched"]
    assert first[0].key == second[0].key == "h-same"
    assert "جدة" in second[0].value.article.body
