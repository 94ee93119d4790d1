"""Integration: the whole pipeline on a real local broker, with a real worker process."""

from __future__ import annotations

import orjson
import pytest
from kafka import KafkaProducer

from conftest import akhbar
from streams.demo import sample_feed
from streams.kafka_tools import wait_for

pytestmark = pytest.mark.integration
TIMEOUT_S = 90


def ids_of(path) -> list[str]:
    return [orjson.loads(line)["id"] for line in path.read_bytes().splitlines() if line.strip()]


def records_for(stream, role: str, ids: set[str], field: str) -> dict[str, dict]:
    """Wait until ``role``'s topic holds a record for each id; return the latest by id."""
    topic = stream.settings.topic(role)

    def complete(values):
        seen = {orjson.loads(v).get(field) for v in values}
        return ids <= seen or not stream.alive()

    found = {}
    for value in wait_for(stream.settings, topic, complete, TIMEOUT_S):
        record = orjson.loads(value)
        if record.get(field) in ids:
            found[record[field]] = record
    return found


def test_produced_articles_are_all_accounted_for(stream, seed_path):
    result = akhbar("produce", str(sample_feed()), str(seed_path), "--no-progress", env=stream.env)
    assert result.returncode == 0, result.stderr.decode()
    ids = set(ids_of(sample_feed()) + ids_of(seed_path))
    mentions = records_for(stream, "mentions", ids, "article_id")
    assert set(mentions) == ids, stream.log()[-3000:]
    enriched = records_for(stream, "enriched", ids, "id")
    assert set(enriched) == ids
    event_ids = {m["event_id"] for m in mentions.values()}
    events = records_for(stream, "events", event_ids, "event_id")
    assert set(events) == event_ids
    seed_id = ids_of(seed_path)[0]
    assert {"Syria", "Russia", "Turkey", "Iran"} <= {e["canonical"] for e in enriched[seed_id]["entities"]}


def test_bad_messages_land_in_the_dead_letter_topic_and_the_worker_keeps_going(stream):
    bad = {
        b"bad-not-json": b"this is not json",
        b"bad-types": b'{"id": "bad-types", "source": "s", "body": 12}',
        b"bad-no-id": b'{"source": "s", "body": "\xd9\x86\xd8\xb5"}',
        b"bad-no-body": b'{"id": "bad-no-body", "source": "s"}',
        b"bad-utf8": b'{"id": "bad-utf8", "source": "s", "body": "\xff\xfe"}',
    }
    producer = KafkaProducer(bootstrap_servers=stream.settings.kafka_bootstrap)
    for key, value in bad.items():
        producer.send(stream.settings.topic_raw, key=key, value=value)
    good = {"id": "after-the-bad-ones", "source": "s", "body": "وصل الوفد إلى الأردن"}
    producer.send(stream.settings.topic_raw, key=b"after-the-bad-ones", value=orjson.dumps(good))
    producer.flush()
    producer.close()

    originals = {value.decode("utf-8", "replace") for value in bad.values() if b"\xff" not in value}

    def complete(values):
        return len([v for v in values if orjson.loads(v)["original"] in originals
                    or orjson.loads(v)["original_encoding"] == "base64"]) >= len(bad)

    letters = [orjson.loads(v) for v in wait_for(stream.settings, stream.settings.topic_dlq, complete, TIMEOUT_S)]
    reasons = {(letter["article_id"], letter["reason"]) for letter in letters}
    assert {("bad-types", "invalid_article"), ("bad-no-body", "invalid_article"),
            (None, "invalid_json")} <= reasons
    assert len([letter for letter in letters if letter["stage"] == "normalize"]) >= len(bad)
    assert all(letter["topic"] == stream.settings.topic_raw and letter["offset"] is not None
               for letter in letters)
    assert records_for(stream, "mentions", {"after-the-bad-ones"}, "article_id")
    assert stream.alive()


def test_large_records_reach_the_broker_or_the_dead_letter_topic_and_the_worker_keeps_going(stream):
    """A normalized message near the default limit goes through the broker; one over it makes
    its article a dead letter instead of failing the worker's producer."""
    limit = stream.settings.max_message_bytes
    words = "أعلنت الحكومة اليوم عن خطة جديدة لتطوير شبكة النقل في المدن الكبرى ".split()
    body = " ".join(words[n % len(words)] for n in range(stream.settings.max_article_bytes // 12))
    long_article = {"id": "long-1", "source": "s", "body": body}
    dense = {"id": "dense-1", "source": "s", "body": "و " * (stream.settings.max_article_bytes // 4)}
    producer = KafkaProducer(bootstrap_servers=stream.settings.kafka_bootstrap, max_request_size=1 << 20)
    for article in (long_article, dense):
        producer.send(stream.settings.topic_raw, key=article["id"].encode(), value=orjson.dumps(article))
    producer.flush()
    producer.close()

    [normalized] = records_for(stream, "normalized", {"long-1"}, "id").values()
    assert 0.6 * limit < len(orjson.dumps(normalized)) <= limit
    assert records_for(stream, "mentions", {"long-1"}, "article_id")
    [letter] = records_for(stream, "dlq", {"dense-1"}, "article_id").values()
    assert (letter["stage"], letter["reason"]) == ("normalize", "output_too_large")
    assert stream.alive()


def test_produce_refuses_invalid_articles_and_exits_non_zero(stream, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b'{"id": "valid-1", "source": "s", "body": "\xd9\x86\xd8\xb5"}\n'
                     b'{"id": "invalid-1", "source": "s", "body": ""}\n'
                     + orjson.dumps({"id": "invalid-2", "source": "s", "body": "نص " * 500}) + b"\n")
    result = akhbar("produce", str(feed), "--no-progress", env={**stream.env, "AKHBAR_MAX_ARTICLE_BYTES": "2000"})
    assert result.returncode == 1
    assert "feed.jsonl:2" in result.stderr.decode()
    assert "feed.jsonl:3: 2,541 bytes, over AKHBAR_MAX_ARTICLE_BYTES (2,000)" in result.stderr.decode()
    assert records_for(stream, "mentions", {"valid-1"}, "article_id")
    raw = akhbar("consume", stream.settings.topic_raw, "--timeout", "3", env=stream.env)
    assert b"invalid-1" not in raw.stdout and b"invalid-2" not in raw.stdout


def test_consume_prints_json_lines_up_to_max(stream):
    akhbar("produce", str(sample_feed()), "--no-progress", env=stream.env)
    result = akhbar("consume", stream.settings.topic_raw, "--max", "2", "--timeout", "10", env=stream.env)
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and len(lines) == 2
    assert all(orjson.loads(line)["id"] for line in lines)


def test_streaming_and_in_process_runs_give_the_same_records(stream, seed_path, tmp_path):
    akhbar("produce", str(sample_feed()), str(seed_path), "--no-progress", env=stream.env)
    ran = akhbar("run", str(sample_feed()), str(seed_path), "--out", str(tmp_path))
    assert ran.returncode == 0
    for role, field in (("normalized", "id"), ("enriched", "id")):
        expected = {r[field]: r for r in map(orjson.loads, (tmp_path / f"{role}.jsonl").read_bytes().splitlines())}
        streamed = records_for(stream, role, set(expected), field)
        assert streamed == expected, role
    # Extraction runs on several partitions, so the two Riyadh reports may reach assembly in
    # either order: the event is named after whichever came first; its content is the same.
    ran_mentions = {r["article_id"]: r for r in map(orjson.loads, (tmp_path / "mentions.jsonl").read_bytes().splitlines())}
    streamed_mentions = records_for(stream, "mentions", set(ran_mentions), "article_id")
    ran_events = {r["event_id"]: r for r in map(orjson.loads, (tmp_path / "events.jsonl").read_bytes().splitlines())}
    streamed_events = records_for(stream, "events", {m["event_id"] for m in streamed_mentions.values()}, "event_id")
    assert _by_members(streamed_events) == _by_members(ran_events)


def _by_members(events: dict) -> dict:
    """Events keyed by their set of articles, without what depends on arrival order."""
    order_dependent = ("event_id", "article_ids", "sources", "actions")
    return {frozenset(e["article_ids"]): ({k: v for k, v in e.items() if k not in order_dependent},
                                          sorted(e["sources"]), len(e["actions"])) for e in events.values()}


def test_an_exact_copy_becomes_a_duplicate_marker_and_a_mention_of_the_original_event(stream, tmp_path):
    original = orjson.loads(sample_feed().read_bytes().splitlines()[2])
    copy = {**original, "id": "copy-of-" + original["id"], "source": "copy-outlet",
            "body": original["body"].replace("الأمم", "الأُمَم") + "\nرابط الخبر: نسخة"}
    feed = tmp_path / "copies.jsonl"
    feed.write_bytes(orjson.dumps(original) + b"\n" + orjson.dumps(copy) + b"\n")
    assert akhbar("produce", str(feed), "--no-progress", env=stream.env).returncode == 0
    [marker] = records_for(stream, "duplicates", {copy["id"]}, "id").values()
    assert (marker["duplicate_of"], marker["kind"], marker["similarity"]) == (original["id"], "exact", 1.0)
    mentions = records_for(stream, "mentions", {original["id"], copy["id"]}, "article_id")
    assert mentions[copy["id"]]["event_id"] == mentions[original["id"]]["event_id"]
    assert copy["id"] not in records_for(stream, "enriched", {original["id"]}, "id")
