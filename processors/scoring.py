"""Scores: precision, recall and F1 from counts, and event clustering against a gold
partition (BCubed and pairwise)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass
class Tally:
    """Counts behind precision, recall and F1: ``found`` of ``gold`` were found, ``correct`` of
    ``predicted`` were right (the same count where predictions and gold pair one to one)."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


@dataclass(frozen=True)
class ClusterScores:
    items: int
    bcubed_precision: float
    bcubed_recall: float
    pair_precision: float
    pair_recall: float

    @property
    def bcubed_f1(self) -> float:
        return _f1(self.bcubed_precision, self.bcubed_recall)

    @property
    def pair_f1(self) -> float:
        return _f1(self.pair_precision, self.pair_recall)


def score_clusters(gold: Mapping[str, str], predicted: Mapping[str, str]) -> ClusterScores:
    """Scores over the items of ``gold`` (item -> cluster); an item missing from ``predicted``
    counts as a cluster of its own."""
    items = sorted(gold)
    assigned = {item: predicted.get(item, f"missing:{item}") for item in items}
    gold_members, predicted_members = defaultdict(set), defaultdict(set)
    for item in items:
        gold_members[gold[item]].add(item)
        predicted_members[assigned[item]].add(item)
    precision = recall = 0.0
    for item in items:
        same = len(gold_members[gold[item]] & predicted_members[assigned[item]])
        precision += same / len(predicted_members[assigned[item]])
        recall += same / len(gold_members[gold[item]])
    true_pairs = sum(_pairs(len(gold_members[g] & predicted_members[p]))
                     for g in gold_members for p in {assigned[i] for i in gold_members[g]})
    predicted_pairs = sum(_pairs(len(members)) for members in predicted_members.values())
    gold_pairs = sum(_pairs(len(members)) for members in gold_members.values())
    n = len(items) or 1
    return ClusterScores(len(items), precision / n, recall / n,
                         true_pairs / predicted_pairs if predicted_pairs else 1.0,
                         true_pairs / gold_pairs if gold_pairs else 1.0)


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
