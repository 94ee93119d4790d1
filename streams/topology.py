"""The topology, declared once: which topic feeds which processor, and where results go.

Both runtimes read it: the Faust agents (``streams.agents``) and the in-process
runner (``streams.runner``). Topics are named here by role; ``Settings`` maps a
role to the topic name.

Partitioning: normalization and extraction, the costly NLP, run on
``AKHBAR_PARTITIONS`` partitions and scale out with workers. Duplicate detection and
event assembly compare each article with all recent ones, so their input topics have
a single partition: they run serially, on one worker at a time, and never split a
story across partitions. They are cheap next to the NLP stages.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import orjson

from processors import (
    ActionCoder,
    AgentFinder,
    Deduplicator,
    EntityExtractor,
    EventAssembler,
    Gazetteer,
    Normalizer,
    WindowState,
)
from processors.camel_ner import CamelBertTagger
from processors.errors import BackendUnavailable
from processors.ner import NerTagger
from processors.registry import load_registry
from processors.terms import DocumentFrequencies, TermWeigher
from schemas import Article, Contract, Duplicate, EnrichedArticle, NormalizedArticle
from streams.settings import Settings


@dataclass(frozen=True)
class TopicSpec:
    role: str
    key: str  # what the Kafka key is
    compacted: bool = False
    single_partition: bool = False


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("raw", key="article id"),
    TopicSpec("normalized", key="article id", single_partition=True),
    TopicSpec("distinct", key="article id"),
    TopicSpec("duplicates", key="article id", single_partition=True),
    TopicSpec("enriched", key="article id", single_partition=True),
    TopicSpec("events", key="event id", compacted=True),
    TopicSpec("mentions", key="article id"),
    TopicSpec("dlq", key="article id when known"),
    TopicSpec("feeds_errors", key="page URL", single_partition=True),  # what `akhbar feeds` could not publish
)


def partitions(spec: TopicSpec, settings: Settings) -> int:
    return 1 if spec.single_partition else settings.partitions


@dataclass(frozen=True)
class Output:
    """One record a stage emits: the topic role, the key and the message."""

    topic: str
    key: str | None
    value: Contract

    @cached_property
    def data(self) -> bytes:
        """The message as it goes on the wire, encoded once."""
        return self.value.to_json()


@dataclass(frozen=True)
class Stage:
    """A named processor between a source topic and its sinks."""

    name: str
    source: str
    sinks: tuple[str, ...]
    input_model: type[Contract]
    process: Callable[[Any, WindowState | None], list[Output]]
    state: str | None = None  # the name of its state; stages of one name share it
    max_input_bytes: int | None = None  # larger records are dead letters, kept truncated to this size
    max_output_bytes: int | None = None  # a larger output would be refused by the broker: a dead letter instead


def entity_tagger(settings: Settings) -> NerTagger | CamelBertTagger:
    """The tagger the settings ask for; the optional camel-tools backend is loaded only then."""
    if settings.ner_backend == "crf":
        return NerTagger()
    if settings.ner_backend == "camel-bert":
        data = os.environ.get("CAMELTOOLS_DATA") or str(Path.home() / ".camel_tools")
        return CamelBertTagger(Path(data))
    raise BackendUnavailable(f"unknown AKHBAR_NER_BACKEND {settings.ner_backend!r}: use 'crf' or 'camel-bert'")


def build_stages(settings: Settings) -> tuple[Stage, ...]:
    """raw → normalize → dedup → extract (entities, agents, actions, terms) → assemble → events, mentions;
    exact copies skip extract."""
    boilerplate = orjson.loads(Path(settings.boilerplate_file).read_bytes()) if settings.boilerplate_file else None
    normalizer = Normalizer(boilerplate)
    deduplicator = Deduplicator(window=timedelta(hours=settings.dedup_window_h),
                                threshold=settings.dedup_threshold)
    registry = load_registry()
    # the shipped word frequencies tell common words from names; clustering may weigh terms by others
    word_frequencies = DocumentFrequencies.load()
    extractor = EntityExtractor(registry, Gazetteer.from_registry(registry, normalizer.match_form,
                                                                  word_frequencies.counts),
                                entity_tagger(settings), normalizer.match_form)
    agents = AgentFinder(normalizer.match_form, registry.nisbas_by_form(normalizer.match_form))
    coder = ActionCoder(registry, normalizer.match_form)
    weigher = TermWeigher(DocumentFrequencies.load(Path(settings.idf_file)) if settings.idf_file else word_frequencies)
    assembler = EventAssembler(threshold=settings.event_threshold, window=timedelta(hours=settings.event_window_h))

    def normalize(article: Article, _state: Any) -> list[Output]:
        return [Output("normalized", article.id, normalizer(article))]

    def dedup(article: NormalizedArticle, seen: WindowState) -> list[Output]:
        verdict = deduplicator(article, seen)
        if verdict.kind == "exact":
            marker = Duplicate(id=article.id, article=article.article, published=article.published,
                               duplicate_of=verdict.duplicate_of, similarity=verdict.similarity, kind="exact")
            return [Output("duplicates", article.id, marker)]
        marked = article.model_copy(update={"duplicate_of": verdict.duplicate_of,
                                            "similarity": verdict.similarity})
        return [Output("distinct", article.id, marked)]

    def extract(article: NormalizedArticle, _state: Any) -> list[Output]:
        enriched = extractor(article)
        for component in (agents, coder, weigher):
            enriched = component(article, enriched)
        return [Output("enriched", article.id, enriched)]

    def assemble(article: EnrichedArticle | Duplicate, events: WindowState) -> list[Output]:
        event, mention = assembler(article, events)
        return [Output("events", event.event_id, event), Output("mentions", article.id, mention)]

    # The models live as long as the process: leave them out of the garbage collector's full
    # collections, which otherwise walk them about once a second for some 100 ms (20 ms after).
    gc.freeze()
    # Every stage's outputs go to the same broker, so they share one size limit.
    stage = partial(Stage, max_output_bytes=settings.max_message_bytes)
    events = "events"
    return (
        stage(normalizer.name, "raw", ("normalized",), Article, normalize, max_input_bytes=settings.max_article_bytes),
        stage(deduplicator.name, "normalized", ("distinct", "duplicates"), NormalizedArticle, dedup, "dedup"),
        stage(extractor.name, "distinct", ("enriched",), NormalizedArticle, extract),
        stage(assembler.name, "enriched", ("events", "mentions"), EnrichedArticle, assemble, events),
        stage("count_duplicate", "duplicates", ("events", "mentions"), Duplicate, assemble, events),
    )
