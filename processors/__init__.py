"""The domain: pure, synchronous, deterministic transforms, composed as named components.

No Kafka, no asyncio, no global state. State that outlives a message is passed in
as a mapping.
"""

from processors.assemble import EventAssembler, event_id_for
from processors.errors import Rejected
from processors.extract import EntityExtractor
from processors.gazetteer import Gazetteer
from processors.normalize import Normalizer

__all__ = ["EntityExtractor", "EventAssembler", "Gazetteer", "Normalizer", "Rejected", "event_id_for"]
