"""Akhbar's message contracts.

The pydantic models are the source of truth; the JSON Schema documents in
``schemas/json`` are generated from them (``python -m schemas``) for producers
and consumers in other languages. Models validate strictly (no type coercion),
so that a record the Python side accepts is one the JSON Schema accepts too.
Records are serialized with orjson.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, NamedTuple, Self

import orjson
from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

# ISO 8601 calendar date, optionally with a time and an optional UTC offset.
ISO_DATETIME_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?$"
)
ISO_DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
NOT_BLANK = r"\S"

EntityType = Literal["PERS", "ORG", "LOC", "MISC"]
# The codebook's CAMEO-style roles (sectors) of actors.
Role = Literal[
    "GOV", "MIL", "COP", "JUD", "LEG", "SPY", "REB", "IMG", "UAF", "OPP", "CVL", "CRM",
    "MED", "BUS", "HLH", "EDU", "REL", "NGO", "IGO", "REF",
]
COUNTRY_PATTERN = r"^[A-Z]{2}$"
TextField = Literal["title", "body"]
# The PLOVER event types (Open Event Data Alliance codebook).
Plover = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "INVESTIGATE", "DEMAND", "DISAPPROVE", "ACCUSE", "REJECT", "THREATEN",
    "PROTEST", "CRIME", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]


class Contract(BaseModel):
    """Base of every message: strict validation, versioned, orjson on the wire."""

    model_config = ConfigDict(strict=True, extra="forbid")
    schema_name: ClassVar[str]

    schema_version: Literal[1] = SCHEMA_VERSION

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_json(cls, data: bytes | str) -> Self:
        """Parse and validate; raises ``orjson.JSONDecodeError`` or ``pydantic.ValidationError``."""
        return cls.model_validate(orjson.loads(data))


class Part(BaseModel):
    """A nested object of a message."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Article(Contract):
    """An article as an upstream feed producer publishes it to ``articles.raw``."""

    model_config = ConfigDict(strict=True, extra="ignore")
    schema_name = "article"

    id: str = Field(min_length=1, max_length=256, pattern=NOT_BLANK,
                    description="Chosen by the producer; the Kafka key on every article topic.")
    source: str = Field(min_length=1, max_length=256, pattern=NOT_BLANK,
                        description="The outlet that published the article.")
    url: str | None = None
    title: str | None = None
    body: str = Field(min_length=1, pattern=NOT_BLANK)
    published_at: str | None = Field(default=None, pattern=ISO_DATETIME_PATTERN,
                                      description="ISO 8601; the timezone is optional.")
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
    metadata: dict[str, Any] | None = None


class Token(NamedTuple):
    """A token of an original field: ``text[start:end]``, its match form, and that form without
    proclitics (و ف ب ك ل ال).

    On the wire it is the compact array ``[start, end, norm, base]``.
    """

    start: int
    end: int
    norm: str
    base: str


class Span(NamedTuple):
    """``[start, end)`` in an original field; the array ``[start, end]`` on the wire."""

    start: int
    end: int


class NormalizedField(Part):
    """The match forms of one field; token offsets index into the original field."""

    text: str = Field(description="The match forms of the tokens, joined by spaces.")
    tokens: list[Token] = Field(description="[start, end, match form, base form] for each token, in order.")
    sentences: list[Span] = Field(description="[start, end] of each sentence in the original field.")


class DateMention(Part):
    """A date written in the text, resolved to a calendar day."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    field: TextField
    date: str = Field(pattern=ISO_DATE_PATTERN)
    calendar: Literal["gregorian", "hijri"]
    relative: bool = Field(description="Resolved against published_at («أمس», «الأربعاء الماضي», a day without a year).")


class NormalizedArticle(Contract):
    """An article after normalization, on ``articles.normalized``."""

    schema_name = "normalized_article"

    id: str
    article: Article = Field(description="The article as received, untouched.")
    language: str = Field(description="Detected: 'ar', or the producer's tag / 'und' for non-Arabic text.")
    arabic_ratio: float = Field(ge=0, le=1)
    published: str | None = Field(pattern=ISO_DATETIME_PATTERN,
                                  description="published_at in canonical ISO form; no timezone is invented.")
    title: NormalizedField | None
    body: NormalizedField
    dates: list[DateMention]
    duplicate_of: str | None = Field(default=None, description="The first article of the story this one copies.")
    similarity: float | None = Field(default=None, ge=0, le=1, description="Estimated Jaccard similarity to duplicate_of.")


class Entity(Part):
    """A named entity: ``text`` is ``article.<field>[start:end]``."""

    text: str
    type: EntityType
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    field: TextField
    entity_id: str | None
    canonical: str | None
    country: str | None = Field(default=None, pattern=COUNTRY_PATTERN,
                                description="ISO 3166 alpha-2 of the state it belongs to or acts for.")
    role: Role | None = Field(default=None, description="Its role as an actor on the article's date; places other "
                                                         "than states have none.")
    latitude: float | None = Field(default=None, ge=-90, le=90, description="A GeoNames place's.")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="A GeoNames place's.")


class Agent(Part):
    """A generic actor phrase («قوات الأمن», «مسلحون مجهولون», «المتظاهرين»): not a named
    entity, but an actor of events. ``text`` is ``article.<field>[start:end]``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    field: TextField
    role: Role
    country: str | None = Field(default=None, pattern=COUNTRY_PATTERN,
                                description="From a nisba («القوات السعودية») when the phrase has one.")


class ActorRef(Part):
    """An entity in a role: an action's actor or place."""

    entity_id: str | None
    canonical: str | None
    text: str
    country: str | None = Field(default=None, pattern=COUNTRY_PATTERN, description="ISO 3166 country, from the registry, titles and nisbas.")
    sector: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="CAMEO sector: GOV, MIL, REB, IGO, MED, PTY, BUS.")
    latitude: float | None = Field(default=None, ge=-90, le=90, description="A place's, from GeoNames.")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="A place's, from GeoNames.")


class Trigger(Part):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    field: TextField


class Sentence(Part):
    """Where an action is reported: ``article.<field>[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    field: TextField


class Action(Part):
    """A coded who-did-what-to-whom, and the reports of it: one article's, or on an event all
    the articles' that report it."""

    actor1: ActorRef | None
    actor2: ActorRef | None
    plover: Plover
    cameo: str = Field(pattern=r"^[0-9]{2,4}$")
    quad_class: int = Field(ge=1, le=4, description="CAMEO's QuadClass: 1 verbal cooperation, 2 material "
                                                     "cooperation, 3 verbal conflict, 4 material conflict.")
    goldstein: float | None = Field(ge=-10, le=10, description="The CAMEO code's Goldstein score; none for CRIME.")
    trigger: Trigger
    sentence: Sentence = Field(description="The first report's sentence, in the trigger's field.")
    location: ActorRef | None = Field(description="Where it happened; a GeoNames place has its coordinates.")
    date: str | None = Field(pattern=ISO_DATE_PATTERN)
    confidence: float = Field(ge=0, le=1)
    article_ids: list[str] = Field(min_length=1, description="The articles that report it; the trigger, sentence "
                                                             "and actors' offsets are the first's.")
    sources: list[str] = Field(min_length=1)
    num_articles: int = Field(ge=1)
    num_sources: int = Field(ge=1)


class Terms(Part):
    """An article's TF-IDF term weights (base forms, unit length, the heaviest kept): of its
    title and lead, and of its body."""

    lead: dict[str, float]
    body: dict[str, float]


class EnrichedArticle(Contract):
    """An article with its entities, agents and coded actions, on ``articles.enriched``.

    Version 2 added each entity's ``country``, ``role``, ``latitude`` and ``longitude``, and ``agents``;
    version 3 each action's ``quad_class``, ``goldstein``, ``sentence`` and reports, and a place's
    coordinates."""

    schema_name = "enriched_article"

    schema_version: Literal[3] = 3
    id: str
    article: Article
    language: str
    published: str | None = Field(pattern=ISO_DATETIME_PATTERN)
    entities: list[Entity]
    agents: list[Agent] = Field(default_factory=list)
    actions: list[Action]
    duplicate_of: str | None = Field(default=None, description="The first article of the story this one copies.")
    similarity: float | None = Field(default=None, ge=0, le=1, description="Estimated Jaccard similarity to duplicate_of.")
    terms: Terms | None = Field(default=None, description="Weighted terms for event clustering.")


class Duplicate(Contract):
    """An exact copy of an earlier article, on ``articles.duplicates``: not extracted again,
    but counted as a mention of the original's event."""

    schema_name = "duplicate"

    id: str
    article: Article
    published: str | None = Field(pattern=ISO_DATETIME_PATTERN)
    duplicate_of: str
    similarity: float = Field(ge=0, le=1)
    kind: Literal["exact"]


class EventEntity(Part):
    entity_id: str | None
    canonical: str
    type: EntityType
    mentions: int = Field(ge=1)


class Event(Contract):
    """The latest state of an event, on the compacted ``events`` topic, keyed by ``event_id``.

    Version 2 has the version 3 actions of ``EnrichedArticle``, merged across its articles."""

    schema_name = "event"

    schema_version: Literal[2] = 2
    event_id: str
    title: str
    first_seen: str | None = Field(pattern=ISO_DATETIME_PATTERN)
    last_seen: str | None = Field(pattern=ISO_DATETIME_PATTERN)
    article_ids: list[str]
    sources: list[str]
    num_articles: int = Field(ge=1)
    num_sources: int = Field(ge=1)
    entities: list[EventEntity]
    actions: list[Action]


class Mention(Contract):
    """One article assigned to one event, on ``mentions``, keyed by the article id."""

    schema_name = "mention"

    article_id: str
    event_id: str
    source: str
    published: str | None = Field(pattern=ISO_DATETIME_PATTERN)
    relation: Literal["opened", "joined", "copy"] = Field(
        description="It opened the event, joined it by similarity, or copies one of its articles.")
    similarity: float | None = Field(default=None, ge=0, le=1, description="Its score against the event it joined.")


class DeadLetter(Contract):
    """A record a stage could not process, on ``articles.dlq``, with the bytes as received."""

    schema_name = "dead_letter"

    stage: str
    reason: str = Field(description="A short, stable code, such as 'invalid_json'.")
    error: str = Field(description="The human-readable detail.")
    original: str = Field(description="The record's bytes: text when valid UTF-8, otherwise base64.")
    original_encoding: Literal["utf-8", "base64"]
    original_size: int | None = Field(default=None, ge=0, description="The record's size in bytes.")
    truncated: bool = Field(default=False, description="Only the first bytes are kept: the record was over the size limit.")
    article_id: str | None
    topic: str | None = Field(default=None, description="The topic read from (the input file for `akhbar run`).")
    partition: int | None = None
    offset: int | None = Field(default=None, description="The record's offset (the line number for `akhbar run`).")
    timestamp: str = Field(pattern=ISO_DATETIME_PATTERN)


CONTRACTS: tuple[type[Contract], ...] = (
    Article, NormalizedArticle, EnrichedArticle, Duplicate, Event, Mention, DeadLetter,
)
