"""The domain: pure, synchronous, deterministic transforms, composed as named components.

No Kafka, no asyncio, no global state. State that outlives a message is passed in
as a mapping.
"""

from processors.actions import ActionCoder
from processors.assemble import EventAssembler, event_id_for
from processors.dedup import Deduplicator, Verdict
from processors.errors import Rejected
from processors.extract import EntityExtractor
from processors.gazetteer import Gazetteer
from processors import ner
from processors.normalize import Normalizer

__all__ = ["ActionCoder", "Deduplicator", "EntityExtractor", "EventAssembler", "Gazetteer", "Normalizer", "Rejected", "Verdict",
           "event_id_for", "ner"]
