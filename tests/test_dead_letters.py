"""Every record comes out as stage outputs or exactly one dead letter with its original bytes."""

from __future__ import annotations

import base64

import orjson
import pytest
from pydantic import ValidationError

from processors import WindowState
from schemas import Article, DeadLetter
from streams.handling import Origin, describe_error, handle
from streams.settings import Settings
from streams.topology import Output, build_stages

STAGES = {stage.name: stage for stage in build_stages(Settings())}

BAD_RECORDS = [
    (b"not json at all", "invalid_json"),
    (b'["a", "list"]', "invalid_article"),
    (b'{"source": "s", "body": "\xd9\x86\xd8\xb5"}', "invalid_article"),
    (b'{"id": "", "source": "s", "body": "x"}', "invalid_article"),
    (b'{"id": "a", "source": "s"}', "invalid_article"),
    (b'{"id": "a", "source": "s", "body": 42}', "invalid_article"),
    (b'{"id": 7, "source": "s", "body": "x"}', "invalid_article"),
    (b'{"id": "a", "source": "s", "body": "\xff\xfe bad utf-8"}', "invalid_json"),
    (b'{"id": "a", "source": "s", "body": "\\ud800 lone surrogate"}', "invalid_json"),
    (b'{"id": "a", "source": "s", "body": "x", "published_at": "2024-02-30"}', "invalid_published_at"),
    (b"", "invalid_json"),
]


@pytest.mark.parametrize(("raw", "reason"), BAD_RECORDS)
def test_bad_article_becomes_one_dead_letter(raw, reason):
    outputs = handle(STAGES["normalize"], raw, None, Origin("articles.raw", 3, 41))
    assert len(outputs) == 1
    output = outputs[0]
    assert output.topic == "dlq"
    letter = DeadLetter.from_json(output.value.to_json())
    assert (letter.stage, letter.reason) == ("normalize", reason)
    assert letter.error
    assert (letter.topic, letter.partition, letter.offset) == ("articles.raw", 3, 41)
    received = (base64.b64decode(letter.original) if letter.original_encoding == "base64"
                else letter.original.encode("utf-8"))
    assert received == raw


def test_dead_letter_keeps_the_article_id_when_it_is_known():
    outputs = handle(STAGES["normalize"], b'{"id": "known-1", "source": "s", "body": 1}', None)
    assert outputs[0].key == outputs[0].value.article_id == "known-1"


def test_a_failing_processor_is_caught_and_reported():
    def broken(record, state):
        raise ZeroDivisionError("boom")

    stage = STAGES["normalize"].__class__(**{**STAGES["normalize"].__dict__, "process": broken})
    [output] = handle(stage, b'{"id": "a", "source": "s", "body": "x"}', None)
    assert output.value.reason == "processing_error"
    assert "ZeroDivisionError: boom" in output.value.error


def test_later_stages_reject_records_of_the_wrong_contract():
    [output] = handle(STAGES["extract"], b'{"id": "a", "source": "s", "body": "x"}', None)
    assert (output.value.stage, output.value.reason) == ("extract", "invalid_normalized_article")


def test_a_good_article_flows_through_every_stage():
    raw = orjson.dumps({"id": "a", "source": "s", "body": "زيارة إلى مصر"})
    [normalized] = handle(STAGES["normalize"], raw, None)
    [distinct] = handle(STAGES["dedup"], normalized.value.to_json(), WindowState())
    [enriched] = handle(STAGES["extract"], distinct.value.to_json(), None)
    state = WindowState()
    event, mention = handle(STAGES["assemble"], enriched.value.to_json(), state)
    assert [o.topic for o in (normalized, distinct, enriched, event, mention)] == \
        ["normalized", "distinct", "enriched", "events", "mentions"]
    assert isinstance(event, Output) and event.key == event.value.event_id
    assert mention.key == "a" and state.records[f"e:{event.key}"]["event"] == event.value.model_dump(mode="json")


def test_an_output_the_broker_would_refuse_makes_its_input_a_dead_letter():
    stages = {stage.name: stage for stage in build_stages(Settings(max_message_bytes=20_000))}
    raw = orjson.dumps({"id": "dense-1", "source": "s", "body": "و " * 3000})
    [letter] = handle(stages["normalize"], raw, None, Origin("articles.raw", 0, 9))
    assert (letter.topic, letter.key, letter.value.reason) == ("dlq", "dense-1", "output_too_large")
    assert "normalized record is" in letter.value.error and "over the limit of 20,000" in letter.value.error
    assert letter.value.original.encode("utf-8") == raw and not letter.value.truncated
    assert len(letter.data) <= 20_000


def test_a_dead_letter_truncates_on_a_character_boundary():
    stages = {stage.name: stage for stage in build_stages(Settings(max_message_bytes=20_000))}
    raw = orjson.dumps({"id": "dense-2", "source": "s", "body": "نص " * 4000})
    [letter] = handle(stages["normalize"], raw, None)
    assert letter.value.reason == "output_too_large" and letter.value.truncated
    assert letter.value.original_encoding == "utf-8" and raw.startswith(letter.value.original.encode("utf-8"))
    assert letter.value.original_size == len(raw) and letter.value.article_id == "dense-2"
    assert len(letter.data) <= 20_000


def test_a_validation_error_says_what_is_wanted_not_the_pattern():
    with pytest.raises(ValidationError) as raised:
        Article.from_json(b'{"id": "a", "source": "s", "body": "x", "published_at": "30/11/2024"}')
    message = describe_error(raised.value)
    assert message == "published_at must be an ISO 8601 date or time, such as 2024-11-30T14:00:00+03:00"
