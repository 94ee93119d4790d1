"""The ``akhbar`` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from streams.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Akhbar: Arabic news articles in, structured and linked events out, on Kafka.

    Settings come from AKHBAR_* environment variables (see the README).
    """


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
    import orjson
    from pydantic import ValidationError

    from processors.boilerplate import learn_boilerplate
    from schemas import Article
    from streams.kafka_tools import input_files, numbered_lines

    def articles():
        for _, _, line in numbered_lines(input_files(list(inputs))):
            try:
                yield Article.from_json(line)
            except (orjson.JSONDecodeError, ValidationError):
                continue

    learned = learn_boilerplate(articles(), min_count=min_count, min_share=min_share)
    out_file.write_bytes(orjson.dumps(learned, option=orjson.OPT_INDENT_2) + b"\n")
    click.echo(f"akhbar boilerplate: {sum(map(len, learned.values()))} lines for {len(learned)} sources "
               f"written to {out_file}", err=True)


@main.command()
def worker() -> None:
    """Run the Faust worker: the normalize, extract and assemble agents."""
    from faust.worker import Worker

    from streams.app import create_app

    settings = Settings.from_env()
    app = create_app(settings)
    Worker(app, loglevel=settings.log_level).execute_from_commandline()


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
    from streams.broker import tansu_command

    click.echo(f"akhbar broker: Tansu on 127.0.0.1:{port}; against it, export "
               f"AKHBAR_KAFKA_BOOTSTRAP=127.0.0.1:{port} AKHBAR_PRODUCER_BATCH_BYTES=1", err=True)
    try:
        sys.exit(subprocess.call(tansu_command(port)))
    except KeyboardInterrupt:
        sys.exit(0)


@main.command()
@click.option("--bidi", type=click.Choice(["auto", "visual", "logical"]), default="auto", show_default=True,
              help="Arabic display order: visual for terminals without bidi support; auto picks "
                   "visual on a terminal and logical when the output is piped.")
@click.option("--timeout", "timeout_s", type=float, default=180.0, show_default=True)
def demo(bidi: str, timeout_s: float) -> None:
    """The sample feed through the whole streaming pipeline on a local broker, ending with the events."""
    from streams.demo import run_demo

    sys.exit(run_demo(bidi=bidi, timeout_s=timeout_s))


if __name__ == "__main__":
    main()
