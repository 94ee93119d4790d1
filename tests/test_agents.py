"""The Faust agents, driven with Faust's ``test_context()``; sends to sink topics are captured."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from unittest.mock import patch

import faust
import orjson
import pytest

from processors import Normalizer
from schemas import Article, EnrichedArticle, Event, Mention, NormalizedArticle
from streams.app import create_app
from streams.pool import StagePool
from streams.settings import Settings

SETTINGS = Settings(kafka_bootstrap="127.0.0.1:9", app_id="akhbar-agent-tests")


@pytest.fixture()
def app():
    return ready_app(SETTINGS)


def ready_app(settings: Settings) -> faust.App:
    """An app whose agents take records in ``test_context()``."""
    app = create_app(settings)
    app.finalize()
    app.flow_control.resume()
    return app


@pytest.fixture()
def sent():
    """What the agents send, as (topic name, key, value)."""
    records: list[tuple[str, bytes | None, bytes]] = []

    async def capture(topic, key=None, value=None, **_):
        records.append((topic.get_topic_name(), key, value))

    with patch.object(faust.Topic, "send", capture):
        yield records


def run(coro):
    return asyncio.run(coro)


def test_normalize_agent_sends_a_normalized_article_keyed_by_id(app, sent):
    async def scenario():
        async with app.agents["akhbar.normalize"].test_context() as agent:
            await agent.put(orjson.dumps({"id": "n-1", "source": "s", "body": "قمة في مصر"}), key=b"n-1")

    run(scenario())
    [(topic, key, value)] = sent
    assert (topic, key) == (SETTINGS.topic_normalized, b"n-1")
    assert NormalizedArticle.from_json(value).body.text == "قمه في مصر"


def test_extract_agent_sends_entities(app, sent):
    normalized = app_normalized("e-1", "وصل الوفد إلى سوريا")

    async def scenario():
        async with app.agents["akhbar.extract"].test_context() as agent:
            await agent.put(normalized, key=b"e-1")

    run(scenario())
    [(topic, key, value)] = sent
    assert (topic, key) == (SETTINGS.topic_enriched, b"e-1")
    assert [e.entity_id for e in EnrichedArticle.from_json(value).entities] == ["Q858"]


def test_assemble_agent_sends_the_event_then_the_mention(app, sent):
    enriched = EnrichedArticle(id="m-1", article={"id": "m-1", "source": "s", "body": "x"}, language="ar",
                               published=None, entities=[], actions=[]).to_json()

    async def scenario():
        async with app.agents["akhbar.assemble"].test_context() as agent:
            await agent.put(enriched, key=b"m-1")

    run(scenario())
    (events_topic, event_key, event), (mentions_topic, mention_key, mention) = sent
    assert (events_topic, mentions_topic) == (SETTINGS.topic_events, SETTINGS.topic_mentions)
    assert event_key.decode() == Event.from_json(event).event_id == Mention.from_json(mention).event_id
    assert mention_key == b"m-1"


def test_bad_record_goes_to_the_dead_letter_topic_and_the_agent_keeps_going(app, sent):
    async def scenario():
        async with app.agents["akhbar.normalize"].test_context() as agent:
            await agent.put(b"\xff not json", key=None)
            await agent.put(orjson.dumps({"id": "ok", "source": "s", "body": "خبر"}), key=b"ok")

    run(scenario())
    assert [topic for topic, _, _ in sent] == [SETTINGS.topic_dlq, SETTINGS.topic_normalized]
    letter = orjson.loads(sent[0][2])
    assert (letter["stage"], letter["reason"], letter["original_encoding"]) == \
        ("normalize", "invalid_json", "base64")


def test_a_pooled_agent_keeps_each_keys_order_and_lets_other_keys_pass(sent):
    """With stage processes, a long record holds back the next record of its key, never the
    records of other keys: those would otherwise wait, done, while a process sat idle."""
    app = ready_app(replace(SETTINGS, stage_processes=2))

    async def in_a_process(pool, stage, raw, origin):  # each record takes the seconds it names
        await asyncio.sleep(float(raw))
        return [("normalized", str(origin.offset), raw)]

    async def scenario():
        async with app.agents["akhbar.normalize"].test_context() as agent:
            for seconds, key in ((b"0.5", b"a"), (b"0", b"b"), (b"0", b"a"), (b"0.1", b"c")):
                await agent.put(seconds, key=key)
            while len(sent) < 4:
                await asyncio.sleep(0.01)

    with patch.object(StagePool, "run", in_a_process):
        run(scenario())
    assert [key for _, key, _ in sent] == [b"1", b"3", b"0", b"2"]  # offsets, in the order sent


def app_normalized(article_id: str, body: str) -> bytes:
    return Normalizer()(Article(id=article_id, source="s", body=body)).to_json()


def test_the_worker_consumer_waits_for_records_at_most_the_configured_time():
    """Faust fixes 1,500 ms; the app's transport puts the setting in its place (streams/transport.py)."""
    app = create_app(Settings(consumer_fetch_wait_ms=42))

    async def worker_consumer():
        return app.consumer._new_consumer_thread()._create_worker_consumer(app.transport)

    assert asyncio.run(worker_consumer())._fetch_max_wait_ms == 42


def test_a_table_mapping_keeps_recent_values_decoded_and_the_table_in_bytes():
    from streams.state import TableMapping

    table: dict[bytes, bytes] = {}
    records = TableMapping(table, decoded=2)
    records["e:1"] = {"last": 1}
    records["e:2"] = {"last": 2}
    records["e:3"] = {"last": 3}
    assert table[b"e:1"] == b'{"last":1}'
    assert records["e:1"] == {"last": 1}  # decoded again from the table
    assert records["e:3"] is records["e:3"]  # kept decoded
    del records["e:3"]
    assert "e:3" not in records and b"e:3" not in table
    table[b"e:2"] = b'{"last":20}'  # as Faust recovery writes a table
    records.forget_decoded()
    assert records["e:2"] == {"last": 20}
