"""The ``akhbar`` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import orjson

from feeds.cli import feeds
from streams.settings import Settings


class AkhbarGroup(click.Group):
    """Turns a missing optional model or unusable security settings into a clear message and
    exit code 2, not a traceback; lists each command with its whole first sentence, wrapped,
    where click would cut it short."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.get_short_help_str(limit=1_000)) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        from processors.errors import BackendUnavailable
        from streams.security import SecurityConfigError

        try:
            return super().invoke(ctx)
        except (BackendUnavailable, SecurityConfigError) as exc:
            click.echo(f"akhbar: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=AkhbarGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Akhbar: Arabic news articles in, structured and linked events out, on Kafka.

    Settings come from AKHBAR_* environment variables (see the README).
    """


main.add_command(feeds)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for normalized, enriched, events, mentions and dlq .jsonl files.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on long inputs).")
def run(inputs: tuple[Path, ...], out_dir: Path, progress: bool | None) -> None:
    """Run the pipeline in process over Article JSON Lines files (.jsonl, .jsonl.gz), without a broker."""
    from streams.runner import run_files

    report = run_files(list(inputs), out_dir, progress=progress)
    click.echo(report.summary(), err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file to write; point AKHBAR_BOILERPLATE_FILE at it after review.")
@click.option("--min-count", type=int, default=5, show_default=True)
@click.option("--min-share", type=float, default=0.01, show_default=True)
def boilerplate(inputs: tuple[Path, ...], out_file: Path, min_count: int, min_share: float) -> None:
    """Learn each source's boilerplate lines from Article JSON Lines."""
    from processors.boilerplate import learn_boilerplate

    learned = learn_boilerplate(_articles(inputs), min_count=min_count, min_share=min_share)
    out_file.write_bytes(orjson.dumps(learned, option=orjson.OPT_INDENT_2) + b"\n")
    click.echo(f"akhbar boilerplate: {sum(map(len, learned.values()))} lines for {len(learned)} sources "
               f"written to {out_file}", err=True)


def _articles(inputs: tuple[Path, ...]):
    """The valid Articles of JSON Lines files; an offline tool skips what the stream would dead-letter."""
    from pydantic import ValidationError

    from schemas import Article
    from streams.kafka_tools import input_files, numbered_lines

    for _, _, line in numbered_lines(input_files(list(inputs))):
        try:
            yield Article.from_json(line)
        except (orjson.JSONDecodeError, ValidationError):
            continue


def _conll_examples(path: Path):
    """A ``token TAG`` file as the tagger sees it: normalized tokens and registry tags."""
    from processors import Gazetteer, Normalizer, ner
    from processors.registry import load_registry

    normalizer = Normalizer()
    gazetteer = Gazetteer.from_registry(load_registry(), normalizer.match_form)
    return ner.conll_examples(path, normalizer.match_form, gazetteer)


@main.group()
def train() -> None:
    """Train the models that ship in the package."""


@train.command("ner")
@click.argument("train_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("ner-anercorp.crfsuite"), show_default=True,
              help="Model file to write (the shipped one is processors/data/ner-anercorp.crfsuite; "
                   "`akhbar eval ner --model FILE` scores another).")
@click.option("--c1", type=float, default=0.1, show_default=True, help="L1 regularisation.")
@click.option("--c2", type=float, default=0.01, show_default=True, help="L2 regularisation.")
@click.option("--iterations", type=int, default=150, show_default=True)
def train_ner(train_file: Path, out_file: Path, c1: float, c2: float, iterations: int) -> None:
    """Train the CRF entity tagger on a ``token TAG`` file (ANERcorp's train.txt); deterministic."""
    from processors import ner

    examples = _conll_examples(train_file)
    target = out_file
    ner.train(((ner.sentence_features(tokens, tags), gold) for tokens, tags, gold in examples), target,
              c1=c1, c2=c2, max_iterations=iterations, progress=lambda line: click.echo(line, err=True))
    click.echo(f"akhbar train ner: {len(examples)} sentences, model written to {target} "
               f"({target.stat().st_size / 1e6:.1f} MB)", err=True)


@train.command("idf")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("idf.json"), show_default=True,
              help="Frequencies file to write (the shipped one is processors/data/idf-wordfreq.json; "
                   "AKHBAR_IDF_FILE makes the pipeline use another).")
@click.option("--wordfreq", "from_wordfreq", is_flag=True,
              help="No inputs: derive frequencies from the wordfreq package's Arabic word list (the shipped default).")
@click.option("--before", "before", default=None, metavar="DATE",
              help="Only articles published before this ISO date (keep evaluation days out).")
def train_idf(inputs: tuple[Path, ...], out_file: Path, from_wordfreq: bool, before: str | None) -> None:
    """Fit the document frequencies that weigh terms for event clustering on an archive of
    Article JSON Lines, or derive them from wordfreq's Arabic word list (``pip install
    'akhbar[train]'``)."""
    from processors import Normalizer
    from processors.arabic import base_form
    from processors.terms import DocumentFrequencies, content_terms

    normalizer = Normalizer()

    def documents():
        for original in _articles(inputs):
            article = normalizer(original)
            if before is None or (article.published or "") < before:
                title = content_terms(article.title.tokens) if article.title is not None else []
                yield title + content_terms(article.body.tokens)

    if from_wordfreq == bool(inputs):
        raise click.UsageError("give either input files or --wordfreq")
    if from_wordfreq:
        import wordfreq

        words = wordfreq.get_frequency_dict("ar", wordlist="large")
        forms = normalizer.match_form("\n".join(words)).split("\n")
        frequencies = DocumentFrequencies.from_word_frequencies(
            (base_form(form.replace(" ", "")), share) for form, share in zip(forms, words.values(), strict=True))
    else:
        frequencies = DocumentFrequencies.fit(documents())
    target = out_file
    target.write_bytes(frequencies.dump())
    click.echo(f"akhbar train idf: {frequencies.documents} documents, {len(frequencies.counts)} terms "
               f"written to {target}", err=True)


@main.group("eval")
def evaluate() -> None:
    """Score Akhbar against labelled data."""


@evaluate.command("ner")
@click.argument("test_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--predictions", "predictions_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write one 'token gold predicted' line per token, a blank line between sentences.")
@click.option("--model", "model_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--whole", is_flag=True,
              help="Score the whole entity extraction (registry, phrases, name chains, then the tagger), "
                   "each sentence as an article, instead of the tagger alone.")
def evaluate_ner(test_file: Path, predictions_file: Path | None, model_file: Path | None, whole: bool) -> None:
    """Entity-level precision, recall and F1 (exact span and type), overall and per type."""
    from processors import ner

    tagger = ner.NerTagger(model_file)
    examples = _conll_examples(test_file)
    if whole:
        predicted = _extracted_labels(test_file, tagger)
    else:
        predicted = [tagger.tag(tokens, tags) for tokens, tags, _ in examples]
    scores = ner.score_entities([gold for *_, gold in examples], predicted)
    click.echo(f"{'type':<6} {'gold':>6} {'found':>6} {'correct':>8} {'precision':>10} {'recall':>8} {'F1':>7}")
    for etype, score in scores.items():
        click.echo(f"{etype:<6} {score.gold:>6} {score.predicted:>6} {score.correct:>8} "
                   f"{score.precision * 100:>10.2f} {score.recall * 100:>8.2f} {score.f1 * 100:>7.2f}")
    if predictions_file is not None:
        with open(predictions_file, "w", encoding="utf-8") as out:
            for sentence, labels in zip(ner.read_conll(test_file), predicted, strict=True):
                for (word, gold), label in zip(sentence, labels, strict=True):
                    out.write(f"{word} {gold} {label}\n")
                out.write("\n")


def _extracted_labels(test_file: Path, tagger) -> list[list[str]]:
    """What the whole extractor finds in each sentence of a ``token TAG`` file, as IOB labels
    of its words (an entity labels the words its span touches)."""
    from processors import EntityExtractor, Gazetteer, Normalizer, ner
    from processors.registry import load_registry
    from schemas import Article

    normalizer = Normalizer()
    registry = load_registry()
    extractor = EntityExtractor(registry, Gazetteer.from_registry(registry, normalizer.match_form), tagger,
                                normalizer.match_form)
    labelled = []
    for sentence in ner.read_conll(test_file):
        words = [word for word, _ in sentence]
        text = " ".join(words)
        entities = extractor(normalizer(Article(id="s", source="anercorp", body=text, language="ar"))).entities
        labelled.append(ner.iob_from_spans([len(word) for word in words],
                                           [(e.start, e.end, e.type) for e in entities]))
    return labelled


@evaluate.command("clusters")
@click.argument("stream", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("gold_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "first_day", required=True, metavar="DATE", help="First publication day run (ISO date).")
@click.option("--to", "last_day", required=True, metavar="DATE", help="Last publication day run (ISO date).")
def evaluate_clusters(stream: Path, gold_file: Path, first_day: str, last_day: str) -> None:
    """Run the stream's articles of those days in order through the whole pipeline, then score
    the events given to the gold articles (JSON Lines of id and cluster): BCubed and pairwise."""
    from processors.scoring import score_clusters
    from schemas import Mention
    from streams.handling import Origin
    from streams.kafka_tools import numbered_lines
    from streams.runner import InProcessPipeline
    from streams.topology import build_stages

    pipeline = InProcessPipeline(build_stages(Settings.from_env()))
    assigned: dict[str, str] = {}
    fed = 0
    for _, number, line in numbered_lines([stream]):
        try:
            day = (orjson.loads(line).get("published_at") or "")[:10]
        except (orjson.JSONDecodeError, AttributeError):
            continue
        if not first_day <= day <= last_day:
            continue
        fed += 1
        for output in pipeline.feed(line, Origin(str(stream), None, number)):
            if isinstance(output.value, Mention):
                assigned[output.value.article_id] = output.value.event_id
    gold = {row["id"]: row["cluster"] for row in map(orjson.loads, gold_file.read_bytes().splitlines()) if row}
    scores = score_clusters(gold, assigned)
    missing = sum(1 for item in gold if item not in assigned)
    click.echo(f"{fed} articles run, {len(set(assigned.values()))} events; {scores.items} gold articles "
               f"({missing} never assigned)")
    click.echo(f"{'':<9} {'precision':>10} {'recall':>8} {'F1':>7}")
    click.echo(f"{'BCubed':<9} {scores.bcubed_precision:>10.4f} {scores.bcubed_recall:>8.4f} {scores.bcubed_f1:>7.4f}")
    click.echo(f"{'pairwise':<9} {scores.pair_precision:>10.4f} {scores.pair_recall:>8.4f} {scores.pair_f1:>7.4f}")


def _gold_through_pipeline(gold_file: Path, stream: Path) -> tuple[list[dict], dict[str, dict]]:
    """The gold articles (JSON Lines with an id each) and what the whole pipeline made of each,
    fed in stream order from ``stream``: article id -> its enriched record, as a dict."""
    from schemas import EnrichedArticle
    from streams.handling import Origin
    from streams.kafka_tools import numbered_lines
    from streams.runner import InProcessPipeline
    from streams.topology import build_stages

    gold = [orjson.loads(line) for line in gold_file.read_bytes().splitlines() if line.strip()]
    wanted = {row["id"] for row in gold}
    pipeline = InProcessPipeline(build_stages(Settings.from_env()))
    enriched: dict[str, dict] = {}
    for _, number, line in numbered_lines([stream]):
        try:
            article_id = orjson.loads(line).get("id")
        except (orjson.JSONDecodeError, AttributeError):
            continue
        if article_id not in wanted:
            continue
        for output in pipeline.feed(line, Origin(str(stream), None, number)):
            if isinstance(output.value, EnrichedArticle):
                enriched[output.value.id] = orjson.loads(output.data)
    missing = wanted - enriched.keys()
    if missing:
        click.echo(f"akhbar eval: {len(missing)} gold articles not enriched: {', '.join(sorted(missing)[:5])}",
                   err=True)
    return gold, enriched


def _splits(gold: list[dict]) -> list[tuple[str, list[dict]]]:
    from processors.codebook import held_out

    return [("all", gold), ("tuned", [g for g in gold if not held_out(g["id"])]),
            ("held-out", [g for g in gold if held_out(g["id"])])]


def _row(name: str, tally, width: int = 12) -> str:
    return (f"{name:<{width}} {tally.gold:>5} {tally.predicted:>6} {tally.found:>6} {tally.correct:>8} "
            f"{tally.precision:>10.3f} {tally.recall:>7.3f} {tally.f1:>6.3f}")


@evaluate.command("entities")
@click.argument("gold_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("stream", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate_entities(gold_file: Path, stream: Path) -> None:
    """Run the hand-coded articles of GOLD_FILE (dev_actions.jsonl), taken from STREAM, through
    the pipeline and print the codebook's distinct-entity precision, recall and F1: PERS/ORG/LOC,
    then with MISC, per type, and how many found entities are linked; for all the articles, those
    tuned on and the held-out third."""
    from processors.codebook import ALL_TYPES, CORE_TYPES, score_entities

    gold, enriched = _gold_through_pipeline(gold_file, stream)
    predicted = {article_id: record["entities"] for article_id, record in enriched.items()}
    header = (f"{'':<12} {'gold':>5} {'distinct':>6} {'found':>6} {'correct':>8} {'precision':>10} {'recall':>7} "
              f"{'F1':>6}")
    for split, articles in _splits(gold):
        core = score_entities(articles, predicted, CORE_TYPES)
        every = score_entities(articles, predicted, ALL_TYPES)
        click.echo(f"{split}: {len(articles)} articles; {core.linked} of {core.overall.found} found "
                   f"PERS/ORG/LOC entities linked to the registry")
        click.echo(header)
        click.echo(_row("PERS/ORG/LOC", core.overall))
        for etype, tally in every.per_type.items():
            click.echo(_row(etype, tally))
        click.echo(_row("all types", every.overall))
        click.echo()


@evaluate.command("actions")
@click.argument("gold_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("stream", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate_actions(gold_file: Path, stream: Path) -> None:
    """Run the hand-coded articles of GOLD_FILE, taken from STREAM, through the pipeline and print
    the codebook's (actor1, PLOVER, actor2) precision, recall and F1, overall and per category,
    with (PLOVER, actor1) F1 and event-type recall; for all, tuned and held-out articles."""
    from processors.codebook import score_actions

    gold, enriched = _gold_through_pipeline(gold_file, stream)
    predicted = {article_id: record["actions"] for article_id, record in enriched.items()}
    header = f"{'':<12} {'gold':>5} {'coded':>6} {'found':>6} {'correct':>8} {'precision':>10} {'recall':>7} {'F1':>6}"
    for split, articles in _splits(gold):
        scores = score_actions(articles, predicted)
        click.echo(f"{split}: {len(articles)} articles; (PLOVER, actor1) F1 {scores.actor1.f1:.3f}; "
                   f"event-type recall {scores.type_recall:.3f}")
        click.echo(header)
        click.echo(_row("all", scores.triples))
        for category, tally in sorted(scores.per_category.items()):
            click.echo(_row(category, tally))
        click.echo()


@main.command()
def worker() -> None:
    """Run the Faust worker: the normalize, dedup, extract and assemble agents."""
    from streams.app import create_app, pin_to_cpus, worker_for
    from streams.memory import settle_long_lived_state

    settings = Settings.from_env()
    try:
        pin_to_cpus(settings)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    app = create_app(settings)
    settle_long_lived_state()
    worker_for(app, settings).execute_from_commandline()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--topic", default=None, help="Target topic (default: AKHBAR_TOPIC_RAW).")
@click.option("--progress/--no-progress", default=True)
def produce(paths: tuple[Path, ...], topic: str | None, progress: bool) -> None:
    """Validate Article JSON Lines (files or directories) and send them, keyed by article id."""
    from streams.kafka_tools import produce as produce_articles

    report = produce_articles(Settings.from_env(), list(paths), topic=topic, progress=progress)
    click.echo(f"akhbar produce: {report.sent} sent, {len(report.invalid)} invalid (not sent)", err=True)
    if report.invalid:
        sys.exit(1)


@main.command()
@click.argument("topic")
@click.option("--from-beginning/--latest", default=True, help="Where to start reading.")
@click.option("--max", "max_records", type=int, default=None, help="Stop after this many records.")
@click.option("--timeout", "timeout_s", type=float, default=10.0, show_default=True,
              help="Stop after this many seconds without a new record.")
def consume(topic: str, from_beginning: bool, max_records: int | None, timeout_s: float) -> None:
    """Print a topic's records as JSON Lines."""
    from streams.kafka_tools import consume as consume_topic

    out = sys.stdout.buffer
    for value in consume_topic(Settings.from_env(), topic, from_beginning=from_beginning,
                               max_records=max_records, timeout_s=timeout_s):
        out.write((value or b"null") + b"\n")
        out.flush()


@main.command()
def topics() -> None:
    """Create the topology's topics on the broker (existing ones are kept)."""
    from streams.kafka_tools import create_topics

    settings = Settings.from_env()
    created = create_topics(settings)
    click.echo(f"akhbar topics: created {', '.join(created) or 'none'} on {settings.kafka_bootstrap}", err=True)


@main.command()
@click.option("--port", type=int, default=9092, show_default=True)
def broker(port: int) -> None:
    """Run the local Tansu broker in the foreground, in memory, on 127.0.0.1 (development only)."""
    from streams.broker import TANSU_WORKER_ENV, tansu_command

    tansu_env = " ".join(f"{name}={value}" for name, value in TANSU_WORKER_ENV.items())
    click.echo(f"akhbar broker: Tansu on 127.0.0.1:{port}; against it, export "
               f"AKHBAR_KAFKA_BOOTSTRAP=127.0.0.1:{port} {tansu_env}", err=True)
    try:
        sys.exit(subprocess.call(tansu_command(port)))
    except KeyboardInterrupt:
        sys.exit(0)


@main.command()
@click.option("--from", "from_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Load the files that `akhbar run --out DIR` wrote instead of reading the topics.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8080, show_default=True)
def serve(from_dir: Path | None, host: str, port: int) -> None:
    """Keep the store of events, mentions and enriched articles (AKHBAR_DATABASE_URL, else SQLite in
    AKHBAR_DATA_DIR) from the topics, in the consumer group AKHBAR_SERVE_GROUP, or from files; serve
    the HTTP API and the live dashboard."""
    from service.consumer import ROLES, FileFeed, KafkaFeed
    from service.serve import serve as run_service
    from service.store import Store, StoreError
    from streams.security import kafka_python_options

    settings = Settings.from_env()
    if from_dir is not None:
        try:
            feed = FileFeed(from_dir)
        except FileNotFoundError as exc:
            raise click.UsageError(str(exc)) from exc
    else:
        feed = KafkaFeed(settings.kafka_bootstrap, {role: settings.topic(role) for role in ROLES},
                         settings.serve_group, settings.session_timeout_s, kafka_python_options(settings))
    try:
        store = Store(settings.store_url())
    except StoreError as exc:
        click.echo(f"akhbar: {exc}", err=True)
        sys.exit(2)
    sys.exit(run_service(store, feed, host, port))


@main.command()
@click.option("--bidi", type=click.Choice(["auto", "visual", "logical"]), default="auto", show_default=True,
              help="Arabic display order: visual for terminals without bidi support; auto picks "
                   "visual on a terminal and logical when the output is piped.")
@click.option("--timeout", "timeout_s", type=float, default=180.0, show_default=True)
@click.option("--stay/--no-stay", default=None,
              help="Keep the broker, the worker and the dashboard running after the table, until Ctrl-C "
                   "(default: when the output is a terminal).")
def demo(bidi: str, timeout_s: float, stay: bool | None) -> None:
    """The sample feed through the whole streaming pipeline on a local broker, ending with the events;
    the dashboard (akhbar serve) shows them as they come."""
    from streams.demo import run_demo

    sys.exit(run_demo(bidi=bidi, timeout_s=timeout_s, stay=stay))


if __name__ == "__main__":
    main()
