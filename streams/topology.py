"""The topology, declared once: which topic feeds which processor, and where results go.

Both runtimes read it: the Faust agents (``streams.agents``) and the in-process
runner (``streams.runner``). Topics are named here by role; ``Settings`` maps a
role to the topic name.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from processors import EntityExtractor, EventAssembler, Gazetteer, Normalizer
from schemas import Article, Contract, EnrichedArticle, Event, NormalizedArticle


@dataclass(frozen=True)
class TopicSpec:
    role: str
    key: str  # what the Kafka key is
    compacted: bool = False


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("raw", key="article id"),
    TopicSpec("normalized", key="article id"),
    TopicSpec("enriched", key="article id"),
    TopicSpec("events", key="event id", compacted=True),
    TopicSpec("mentions", key="article id"),
    TopicSpec("dlq", key="article id when known"),
)


@dataclass(frozen=True)
class Output:
    """One record a stage emits: the topic role, the key and the message."""

    topic: str
    key: str | None
    value: Contract


@dataclass(frozen=True)
class Stage:
    """A named processor between a source topic and its sinks."""

    name: str
    source: str
    sinks: tuple[str, ...]
    input_model: type[Contract]
    process: Callable[[Any, MutableMapping[str, Any] | None], list[Output]]
    state: type[Contract] | None = None  # the value type of the stage's state mapping, if any


def build_stages() -> tuple[Stage, ...]:
    """The stages in order: raw → normalize → extract → assemble → events, mentions."""
    normalizer = Normalizer()
    extractor = EntityExtractor(Gazetteer.countries(normalizer.match_form))
    assembler = EventAssembler()

    def normalize(article: Article, _state: Any) -> list[Output]:
        return [Output("normalized", article.id, normalizer(article))]

    def extract(article: NormalizedArticle, _state: Any) -> list[Output]:
        return [Output("enriched", article.id, extractor(article))]

    def assemble(article: EnrichedArticle, events: MutableMapping[str, Event]) -> list[Output]:
        event, mention = assembler(article, events)
        return [Output("events", event.event_id, event), Output("mentions", article.id, mention)]

    return (
        Stage(normalizer.name, "raw", ("normalized",), Article, normalize),
        Stage(extractor.name, "normalized", ("enriched",), NormalizedArticle, extract),
        Stage(assembler.name, "enriched", ("events", "mentions"), EnrichedArticle, assemble, state=Event),
    )
