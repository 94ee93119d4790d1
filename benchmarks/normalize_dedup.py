"""Benchmark: normalization against the plain camel-tools chain, and duplicates on the dev stream.

    python benchmarks/normalize_dedup.py [../shared/data/news/dev_stream.jsonl] [--limit N]

Prints a table: microseconds per article for the plain camel-tools call chain and for
Akhbar's normalizer (and its parts) on the same articles in the same run, then the
exact and near-duplicate pairs that duplicate detection finds over the stream in order.
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import time
from collections import Counter
from datetime import date
from pathlib import Path

from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from processors import Deduplicator, Normalizer, WindowState
from processors.dates import find_dates
from processors.normalize import parse_published
from schemas import Article

DEFAULT_STREAM = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "dev_stream.jsonl"
ARCLEAN = CharMapper.builtin_mapper("arclean")


def plain_chain(text: str) -> list[str]:
    """The plain camel-tools call chain: clean, dediacritize, normalize, tokenize."""
    text = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(ARCLEAN(text)))))
    return simple_word_tokenize(text)


def timed(function, items) -> tuple[float, list]:
    started = time.perf_counter()
    results = [function(item) for item in items]
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stream", nargs="?", type=Path, default=DEFAULT_STREAM)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--profile", action="store_true", help="also print where the normalizer spends its time")
    args = parser.parse_args()

    articles: list[Article] = []
    with open(args.stream, "rb") as lines:
        for number, line in enumerate(lines):
            if args.limit is not None and number >= args.limit:
                break
            try:
                articles.append(Article.from_json(line))
            except ValidationError:
                continue  # empty bodies: the pipeline dead-letters them
    n = len(articles)
    normalizer = Normalizer()

    plain_s, _ = timed(lambda a: (plain_chain(a.title or ""), plain_chain(a.body)), articles)
    fields_s, fields = timed(lambda a: (normalizer.normalize_field(a.title or "", a.source),
                                        normalizer.normalize_field(a.body, a.source)), articles)
    dates_s, _ = timed(lambda pair: find_dates(pair[0].body, pair[1][1].tokens, "body",
                                               parse_published(pair[0].published_at)), list(zip(articles, fields)))
    full_s, normalized = timed(normalizer, articles)
    tokens = sum(len(a.body.tokens) + (len(a.title.tokens) if a.title else 0) for a in normalized)

    deduplicator = Deduplicator()
    state = WindowState()
    dedup_s, verdicts = timed(lambda article: deduplicator(article, state), normalized)
    kinds = Counter(v.kind for v in verdicts)
    near = sorted(v.similarity for v in verdicts if v.kind == "near")

    console = Console()
    table = Table(title=f"Normalization and duplicates: {n} articles of {args.stream.name}, "
                        f"{date.today()}, {platform.processor() or platform.machine()}, Python "
                        f"{platform.python_version()}")
    table.add_column("measure")
    table.add_column("µs / article", justify="right")
    table.add_column("× plain chain", justify="right")
    for label, seconds in (
        ("plain camel-tools chain (arclean, dediac, alef, maksura, teh marbuta, tokenize)", plain_s),
        ("Akhbar normalize_field: cleaning, match forms, offsets, base forms, sentences", fields_s),
        ("date recognition alone (body), part of the next line", dates_s),
        ("Akhbar Normalizer: all of the above plus language, dates, contract model", full_s),
        ("duplicate detection (exact hash + MinHash/LSH), state in a dict", dedup_s),
    ):
        table.add_row(label, f"{seconds / n * 1e6:,.0f}", f"{seconds / plain_s:.2f}")
    console.print(table)
    console.print(f"tokens per article: {tokens / n:.0f}")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [normalizer(article) for article in articles])
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)
    console.print(f"duplicates over the stream in order: {kinds['exact']} exact, {kinds['near']} near "
                  f"(similarity min {near[0] if near else '-'}, median {near[len(near) // 2] if near else '-'}); "
                  f"state at the end: {len(state.records)} records")


if __name__ == "__main__":
    main()
