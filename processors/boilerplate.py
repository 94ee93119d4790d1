"""Learning a source's boilerplate: short lines it repeats across many of its articles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from schemas import Article

MAX_LINE_CHARS = 80  # longer repeated lines are more likely shared content than boilerplate


def learn_boilerplate(articles: Iterable[Article], *, min_count: int = 5,
                      min_share: float = 0.01) -> dict[str, list[str]]:
    """Per source, the escaped patterns of short lines found in at least ``min_count`` of its
    articles and at least ``min_share`` of them, most frequent first.

    The result has the shape ``Normalizer(boilerplate=...)`` takes; review it before use.
    """
    lines_by_source: dict[str, Counter] = defaultdict(Counter)
    articles_by_source: Counter = Counter()
    for article in articles:
        articles_by_source[article.source] += 1
        lines = {" ".join(line.split()) for line in article.body.splitlines()}
        lines_by_source[article.source].update(line for line in lines if 0 < len(line) <= MAX_LINE_CHARS)
    learned = {}
    for source, counts in sorted(lines_by_source.items()):
        floor = max(min_count, min_share * articles_by_source[source])
        frequent = [line for line, count in counts.most_common() if count >= floor]
        if frequent:
            learned[source] = [r"[ \t]+".join(map(re.escape, line.split())) + r"[ \t]*$" for line in frequent]
    return learned
