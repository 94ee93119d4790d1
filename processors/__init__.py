"""The domain: pure, synchronous, deterministic transforms, composed as named components.

No Kafka, no asyncio, no global state. State that outlives a message is passed in
as a ``WindowState``: durable records in a mapping (a dict or a Faust table), and an
in-memory index derived from them.
"""

from processors.actions import ActionCoder
from processors.agents import AgentFinder
from processors.assemble import EventAssembler, event_id_for
from processors.dedup import Deduplicator, Verdict
from processors.errors import Rejected
from processors.extract import EntityExtractor
from processors.gazetteer import Gazetteer
from processors import ner
from processors.normalize import Normalizer
from processors.window import WindowState

__all__ = ["ActionCoder", "AgentFinder", "Deduplicator", "EntityExtractor", "EventAssembler", "Gazetteer", "Normalizer",
           "Rejected", "Verdict",
           "WindowState", "event_id_for", "ner"]
