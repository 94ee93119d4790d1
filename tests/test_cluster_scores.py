"""Cluster scoring (BCubed, pairwise) and the `akhbar eval clusters` command."""

from __future__ import annotations

import orjson
import pytest
from conftest import akhbar

from processors.scoring import score_clusters
from streams.demo import sample_feed


def test_perfect_clustering_scores_one():
    gold = {"a": "x", "b": "x", "c": "y"}
    scores = score_clusters(gold, {"a": 1, "b": 1, "c": 2})
    assert (scores.bcubed_f1, scores.pair_f1) == (1.0, 1.0)


def test_singletons_have_full_precision_and_partial_recall():
    gold = {"a": "x", "b": "x", "c": "y"}
    scores = score_clusters(gold, {"a": 1, "b": 2, "c": 3})
    assert scores.bcubed_precision == 1.0
    assert scores.bcubed_recall == pytest.approx((0.5 + 0.5 + 1) / 3)
    assert (scores.pair_precision, scores.pair_recall) == (1.0, 0.0)


def test_one_big_cluster_has_full_recall():
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    scores = score_clusters(gold, dict.fromkeys(gold, 0))
    assert scores.bcubed_recall == 1.0 and scores.bcubed_precision == 0.5
    assert scores.pair_precision == pytest.approx(2 / 6)


def test_an_unassigned_item_is_its_own_cluster():
    scores = score_clusters({"a": "x", "b": "x"}, {"a": 1})
    assert scores.bcubed_recall == 0.5


def test_eval_clusters_runs_the_days_in_order_and_prints_the_scores(tmp_path):
    articles = [orjson.loads(line) for line in sample_feed().read_bytes().splitlines()]
    riyadh = {"sample-riyadh-wire-0001", "sample-nile-daily-0412"}
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"".join(orjson.dumps({"id": a["id"], "cluster": "riyadh" if a["id"] in riyadh else a["id"]})
                              + b"\n" for a in articles))
    result = akhbar("eval", "clusters", str(sample_feed()), str(gold), "--from", "2024-12-01", "--to", "2024-12-31")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert f"{len(articles)} articles run, {len(articles) - 1} events" in out
    assert "BCubed        1.0000   1.0000  1.0000" in out
