"""The Python models and the JSON Schema documents are one contract."""

from __future__ import annotations

import orjson
import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from schemas import CONTRACTS, Article, DeadLetter, Event, Mention, json_schema, schema_path

ARTICLE = {"id": "a-1", "source": "outlet", "body": "نص الخبر", "title": "عنوان",
           "url": "https://example.org/1", "published_at": "2024-11-30T12:00:00Z", "language": "ar"}
MENTION = {"article_id": "a-1", "event_id": "ev-1", "source": "outlet", "published": None, "relation": "opened"}
EVENT = {"schema_version": 2, "event_id": "ev-1", "title": "t", "first_seen": "2024-11-30T12:00:00", "last_seen": None,
         "article_ids": ["a-1"], "sources": ["outlet"], "num_articles": 1, "num_sources": 1,
         "entities": [{"entity_id": "Q858", "canonical": "Syria", "type": "LOC", "mentions": 2}],
         "actions": [{"actor1": {"entity_id": "Q1", "canonical": "A", "text": "أ"}, "actor2": None,
                      "plover": "CONSULT", "cameo": "040", "quad_class": 1, "goldstein": 1.0,
                      "trigger": {"text": "محادثة", "start": 0, "end": 6, "field": "body"},
                      "sentence": {"start": 0, "end": 20, "field": "body"},
                      "location": None, "date": "2024-11-30", "confidence": 0.9,
                      "article_ids": ["a-1"], "sources": ["outlet"], "num_articles": 1, "num_sources": 1}]}
DEAD_LETTER = {"stage": "normalize", "reason": "invalid_json", "error": "x", "original": "{",
               "original_encoding": "utf-8", "article_id": None, "timestamp": "2024-11-30T12:00:00.000+00:00"}


def with_(base: dict, **changes) -> dict:
    record = {**base, **changes}
    return {k: v for k, v in record.items() if v is not ...}


CASES = [
    (Article, ARTICLE, True),
    (Article, with_(ARTICLE, published_at="2024-11-30"), True),
    (Article, with_(ARTICLE, published_at="2024-11-30T12:00:00"), True),
    (Article, with_(ARTICLE, published_at="2024-11-30T12:00:00.123+03:00"), True),
    (Article, with_(ARTICLE, metadata={"feed": "rss", "rank": 3}), True),
    (Article, with_(ARTICLE, unknown_field="kept for forward compatibility"), True),
    (Article, {"id": "x", "source": "s", "body": "b"}, True),
    (Article, with_(ARTICLE, id=...), False),
    (Article, with_(ARTICLE, id=""), False),
    (Article, with_(ARTICLE, id="   "), False),
    (Article, with_(ARTICLE, id="x" * 257), False),
    (Article, with_(ARTICLE, id="x" * 256), True),
    (Article, with_(ARTICLE, id=17), False),
    (Article, with_(ARTICLE, body=...), False),
    (Article, with_(ARTICLE, body=""), False),
    (Article, with_(ARTICLE, body=["not", "a", "string"]), False),
    (Article, with_(ARTICLE, title=5), False),
    (Article, with_(ARTICLE, source=None), False),
    (Article, with_(ARTICLE, published_at="30/11/2024"), False),
    (Article, with_(ARTICLE, published_at="2024-13-01"), False),
    (Article, with_(ARTICLE, published_at="٢٠٢٤-١١-٣٠"), False),
    (Article, with_(ARTICLE, language="arabic language"), False),
    (Article, with_(ARTICLE, schema_version=2), False),
    (Article, with_(ARTICLE, metadata="x"), False),
    (Mention, MENTION, True),
    (Mention, with_(MENTION, event_id=None), False),
    (Mention, with_(MENTION, extra="no"), False),
    (Event, EVENT, True),
    (Event, with_(EVENT, num_articles=0), False),
    (Event, with_(EVENT, num_articles=True), False),
    (Event, with_(EVENT, actions=[{**EVENT["actions"][0], "plover": "consult"}]), False),
    (Event, with_(EVENT, actions=[{**EVENT["actions"][0], "date": "30-11-2024"}]), False),
    (Event, with_(EVENT, actions=[{**EVENT["actions"][0], "confidence": 1.5}]), False),
    (Event, with_(EVENT, entities=[{**EVENT["entities"][0], "type": "PER"}]), False),
    (DeadLetter, DEAD_LETTER, True),
    (DeadLetter, with_(DEAD_LETTER, original_encoding="latin-1"), False),
]


@pytest.mark.parametrize(("model", "record", "valid"), CASES)
def test_model_and_json_schema_agree(model, record, valid):
    validator = Draft202012Validator(json_schema(model))
    assert validator.is_valid(record) is valid
    if valid:
        model.model_validate(record)
    else:
        with pytest.raises(ValidationError):
            model.model_validate(record)


@pytest.mark.parametrize("model", CONTRACTS)
def test_committed_json_schema_is_generated_from_the_model(model):
    Draft202012Validator.check_schema(json_schema(model))
    assert orjson.loads(schema_path(model).read_bytes()) == json_schema(model), \
        "regenerate with: python -m schemas"


def test_round_trip_through_orjson_keeps_the_version():
    article = Article.model_validate(ARTICLE)
    wire = article.to_json()
    assert orjson.loads(wire)["schema_version"] == 1
    assert Article.from_json(wire) == article
