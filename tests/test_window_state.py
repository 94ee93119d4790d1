"""The windowed processors' state: few durable writes an article, and an index rebuilt from the records
(what a worker does after Faust recovers its table) that answers exactly as the live one."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import orjson
from components import CODER, EXTRACTOR, NORMALIZER, WEIGHER

from processors import Deduplicator, EventAssembler, WindowState
from schemas import Article, Duplicate

START = datetime(2024, 12, 1)
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


class CountingRecords(dict):
    """A dict that counts its writes and deletions: what a Faust table sends to its changelog."""

    writes = 0

    def __setitem__(self, key, value):
        self.writes += 1
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self.writes += 1
        super().__delitem__(key)

    def pop(self, key, *default):
        if key in self:
            self.writes += 1
        return super().pop(key, *default)


def stream(count: int = 120, seed: int = 3):
    """Stories in words of their own, their copies, rewrites and follow-ups, two hours apart, over ten days."""
    rng = random.Random(seed)

    def words(k: int) -> list[str]:
        return ["".join(rng.choices(LETTERS, k=5)) for _ in range(k)]

    stories: list[list[str]] = []
    for n in range(count):
        roll = rng.random()
        if stories and roll < 0.25:  # a copy, or a copy with a signature
            body = rng.choice(stories[-6:]) + (words(3) if roll < 0.12 else [])
        elif stories and roll < 0.45:  # a follow-up: half the story, half new
            body = rng.choice(stories[-4:])[:20] + words(20)
        else:
            body = words(40)
            stories.append(body)
        published = (START + timedelta(hours=2 * n)).isoformat()
        yield NORMALIZER(Article(id=f"n{n}", source=f"outlet-{n % 3}", title=" ".join(body[:6]), body=" ".join(body),
                                 published_at=published))


def run_both(processor, articles, split: int):
    """Run ``articles`` through a live state, and through a copy of its records made at ``split``."""
    live = WindowState(CountingRecords())
    answers, rebuilt_answers, writes = [], [], []
    rebuilt = None
    for n, article in enumerate(articles):
        if n == split:
            rebuilt = WindowState(orjson.loads(orjson.dumps(live.records)))  # as Faust recovers a table
        before = live.records.writes
        answers.append(processor(article, live))
        writes.append(live.records.writes - before)
        if rebuilt is not None:
            rebuilt_answers.append(processor(article, rebuilt))
    return live, rebuilt, answers[split:], rebuilt_answers, writes


def test_dedup_writes_one_record_an_article_and_its_rebuilt_index_agrees():
    articles = list(stream())
    live, rebuilt, answers, rebuilt_answers, writes = run_both(Deduplicator(window=timedelta(hours=24)),
                                                               articles, split=70)
    assert {a.kind for a in answers} >= {None, "exact", "near"}
    assert answers == rebuilt_answers
    assert dict(live.records) == rebuilt.records
    assert max(writes) <= 1 + 4  # its record, and a few expired ones deleted
    assert sum(writes) <= 2 * len(articles)  # each record written once and deleted once, over the stream


def test_assembly_writes_one_record_an_article_and_its_rebuilt_index_agrees():
    dedup = Deduplicator(window=timedelta(hours=24))
    seen = WindowState()
    items = []
    for article in stream():
        verdict = dedup(article, seen)
        if verdict.kind == "exact":
            items.append(Duplicate(id=article.id, article=article.article, published=article.published,
                                   duplicate_of=verdict.duplicate_of, similarity=1.0, kind="exact"))
        else:
            marked = article.model_copy(update={"duplicate_of": verdict.duplicate_of})
            items.append(WEIGHER(marked, CODER(marked, EXTRACTOR(marked))))
    live, rebuilt, answers, rebuilt_answers, writes = run_both(EventAssembler(window=timedelta(hours=12)),
                                                               items, split=70)
    assert {mention.relation for _, mention in answers} >= {"opened", "joined", "copy"}
    assert answers == rebuilt_answers
    assert dict(live.records) == rebuilt.records
    assert max(writes) <= 1 + 4  # its event's record, and a few expired ones deleted
    assert sum(writes) <= 2 * len(items)  # each article's write, and each event deleted once, over the stream
