"""Message contracts: pydantic models serialized with orjson, and their JSON Schemas."""

from schemas.models import (
    CONTRACTS,
    SCHEMA_VERSION,
    Action,
    Agent,
    ActorRef,
    Article,
    Contract,
    DateMention,
    DeadLetter,
    Duplicate,
    EnrichedArticle,
    Entity,
    Event,
    EventEntity,
    Mention,
    NormalizedArticle,
    NormalizedField,
    Role,
    Sentence,
    Span,
    Terms,
    Token,
    Trigger,
)
from schemas.jsonschema import json_schema, schema_path

__all__ = [
    "CONTRACTS", "SCHEMA_VERSION", "Action", "Agent", "ActorRef", "Article", "Contract", "DateMention", "DeadLetter", "Duplicate",
    "EnrichedArticle", "Entity", "Event", "EventEntity", "Mention", "NormalizedArticle",
    "NormalizedField", "Role", "Sentence", "Span", "Terms", "Token", "Trigger", "json_schema", "schema_path",
]
