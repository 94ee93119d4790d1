"""``akhbar run``: the pipeline in process over files."""

from __future__ import annotations

import gzip
import itertools
import os

import orjson

from conftest import akhbar, shared_file
from streams.demo import sample_feed
from streams.runner import OUTPUT_FILES


def read_jsonl(path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def test_seed_article_runs_into_the_output_files(seed_path, tmp_path):
    result = akhbar("run", str(seed_path), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr.decode()
    assert sorted(p.stem for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES)
    seed_id = orjson.loads(seed_path.read_bytes())["id"]
    assert [r["id"] for r in read_jsonl(tmp_path / "enriched.jsonl")] == [seed_id]
    assert [r["article_id"] for r in read_jsonl(tmp_path / "mentions.jsonl")] == [seed_id]
    assert read_jsonl(tmp_path / "events.jsonl")
    assert read_jsonl(tmp_path / "dlq.jsonl") == []
    assert ("1 record in, 1 enriched (0 near duplicates), 0 exact duplicates, 0 dead letters, 1 mention, 1 event"
            in result.stderr.decode())


def test_every_line_is_enriched_or_dead_lettered_and_the_run_still_succeeds(tmp_path):
    feed = sample_feed().read_bytes()
    mixed = tmp_path / "mixed.jsonl.gz"
    with gzip.open(mixed, "wb") as out:
        out.write(feed + b"\n   \nnot json\n{\"id\": \"x\", \"source\": \"s\"}\n\xff\n")
    result = akhbar("run", str(mixed), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr.decode()
    enriched = read_jsonl(tmp_path / "out" / "enriched.jsonl")
    dead = read_jsonl(tmp_path / "out" / "dlq.jsonl")
    assert len(enriched) == len(feed.splitlines()) and len(dead) == 3
    assert {d["reason"] for d in dead} == {"invalid_json", "invalid_article"}


def test_a_directory_of_inputs_is_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_bytes(sample_feed().read_bytes())
    result = akhbar("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0
    assert len(read_jsonl(tmp_path / "out" / "mentions.jsonl")) == len(sample_feed().read_bytes().splitlines())


def test_dev_stream_sample_is_fully_accounted_for(tmp_path):
    stream = shared_file("news/dev_stream.jsonl")
    sample = tmp_path / "sample.jsonl"
    with open(stream, "rb") as lines:
        sample.write_bytes(b"".join(itertools.islice(lines, 1500)))
    result = akhbar("run", str(sample), "--out", str(tmp_path / "out"), timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    records = [line for line in sample.read_bytes().splitlines() if line.strip()]
    enriched = {r["id"] for r in read_jsonl(tmp_path / "out" / "enriched.jsonl")}
    duplicates = {r["id"] for r in read_jsonl(tmp_path / "out" / "duplicates.jsonl")}
    dead = read_jsonl(tmp_path / "out" / "dlq.jsonl")
    assert duplicates and not enriched & duplicates
    assert len(enriched) + len(duplicates) + len(dead) == len(records)
    assert {r["article_id"] for r in read_jsonl(tmp_path / "out" / "mentions.jsonl")} == enriched | duplicates
    assert all(d["reason"] == "invalid_article" for d in dead)  # the empty bodies


def test_boilerplate_is_learned_and_then_used_by_run(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"".join(orjson.dumps({"id": f"a{i}", "source": "daily",
                                            "body": f"\u062e\u0628\u0631 {i}\nDaily Wire Service"}) + b"\n"
                              for i in range(8)))
    learned = tmp_path / "boilerplate.json"
    result = akhbar("boilerplate", str(feed), "--out", str(learned))
    assert result.returncode == 0, result.stderr.decode()
    assert list(orjson.loads(learned.read_bytes())) == ["daily"]
    env = {**os.environ, "AKHBAR_BOILERPLATE_FILE": str(learned)}
    assert akhbar("run", str(feed), "--out", str(tmp_path / "out"), env=env).returncode == 0
    normalized = read_jsonl(tmp_path / "out" / "normalized.jsonl")
    assert all("Daily" not in record["body"]["text"] for record in normalized)


def test_help_lists_whole_descriptions_and_training_writes_beside_the_user_not_over_the_package():
    commands = akhbar("--help").stdout.decode().partition("Commands:")[2]
    assert "..." not in commands and "…" not in commands
    assert "127.0.0.1 (development only)" in " ".join(commands.split())
    for model, default in (("ner", "ner-anercorp.crfsuite"), ("idf", "idf.json")):
        usage = "".join(akhbar("train", model, "--help").stdout.decode().split())
        assert f"[default:{default}]" in usage, usage
