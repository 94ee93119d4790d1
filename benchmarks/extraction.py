"""Benchmark: the extract stage's components, per article, on the dev stream.

    python benchmarks/extraction.py [STREAM] [--limit N] [--rounds R] [--against CHECKOUT ...]

Normalizes the first N articles, then times each component of the extract stage on each
article (entities, agents, actions, terms: whichever the checkout has) and prints the median
and mean milliseconds per article. With ``--against``, each other checkout of Akhbar (a
``git worktree`` of an older commit, say) is measured too, in its own process, the rounds
alternating between the checkouts, because this machine's speed drifts within minutes; each
figure is the median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from statistics import mean, median

DEFAULT_STREAM = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "dev_stream.jsonl"
HERE = Path(__file__).resolve().parents[1]


def measure(stream: Path, limit: int) -> dict[str, list[float]]:
    """Seconds per article of each component, in the checkout on ``sys.path``."""
    from pydantic import ValidationError

    import processors
    from processors import Gazetteer, Normalizer
    from processors.ner import NerTagger
    from processors.registry import load_registry
    from processors.terms import DocumentFrequencies, TermWeigher
    from schemas import Article
    from streams.settings import Settings
    from streams.topology import build_stages

    build_stages(Settings())  # the same start-up as a worker (it freezes the models out of the collector)
    normalizer = Normalizer()
    registry = load_registry()
    extractor = processors.EntityExtractor(registry, Gazetteer.from_registry(registry, normalizer.match_form),
                                           NerTagger(), normalizer.match_form)
    components = []
    if hasattr(processors, "AgentFinder"):
        components.append(processors.AgentFinder(normalizer.match_form, registry.nisbas_by_form(normalizer.match_form)))
    components.append(processors.ActionCoder(registry, normalizer.match_form))
    components.append(TermWeigher(DocumentFrequencies.load()))
    articles = []
    with open(stream, "rb") as lines:
        for line in lines:
            if len(articles) >= limit:
                break
            try:
                articles.append(normalizer(Article.from_json(line)))
            except ValidationError:
                continue
    for article in articles[:20]:  # warm-up: memos and caches
        extractor(article)
    seconds: dict[str, list[float]] = {"entities": []} | {c.name: [] for c in components}
    for article in articles:
        started = time.perf_counter()
        enriched = extractor(article)
        seconds["entities"].append(time.perf_counter() - started)
        for component in components:
            started = time.perf_counter()
            enriched = component(article, enriched)
            seconds[component.name].append(time.perf_counter() - started)
    seconds["extract stage"] = [sum(parts) for parts in zip(*seconds.values(), strict=True)]
    return seconds


def run_in(checkout: Path, stream: Path, limit: int) -> dict[str, list[float]]:
    done = subprocess.run([sys.executable, __file__, str(stream), "--limit", str(limit), "--json"],
                          cwd=checkout, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(checkout)})
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stream", nargs="?", type=Path, default=DEFAULT_STREAM)
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, nargs="*", default=[], help="other checkouts to measure")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one round, for run_in
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.stream, args.limit)))
        return

    from rich.console import Console
    from rich.table import Table

    checkouts = [HERE, *(path.resolve() for path in args.against)]
    rounds: dict[Path, list[dict[str, list[float]]]] = {checkout: [] for checkout in checkouts}
    for _ in range(args.rounds):
        for checkout in checkouts:
            rounds[checkout].append(run_in(checkout, args.stream, args.limit))
    table = Table(title=f"Extract stage, ms per article: the first {args.limit} articles of {args.stream.name}, "
                        f"median of {args.rounds} alternating rounds, {date.today()}, "
                        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    table.add_column("component")
    for checkout in checkouts:
        table.add_column(f"{checkout.name}: median article", justify="right")
        table.add_column(f"{checkout.name}: mean", justify="right")
    names = list(dict.fromkeys(name for runs in rounds.values() for name in runs[0]))
    for name in names:
        cells = []
        for checkout in checkouts:
            runs = [run[name] for run in rounds[checkout] if name in run]
            cells += ([f"{median(median(r) for r in runs) * 1e3:.2f}", f"{median(mean(r) for r in runs) * 1e3:.2f}"]
                      if runs else ["-", "-"])
        table.add_row(name, *cells)
    Console().print(table)


if __name__ == "__main__":
    main()
