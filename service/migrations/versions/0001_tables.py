"""The first tables: events, mentions, articles, entities, article_entities, actions and event_facets."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None

ID = sa.String(300)
TIME = sa.String(40)
DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")


def actor(prefix: str) -> list[sa.Column]:
    return [sa.Column(f"{prefix}_entity_id", ID), sa.Column(f"{prefix}_canonical", sa.Text),
            sa.Column(f"{prefix}_text", sa.Text), sa.Column(f"{prefix}_country", sa.String(2)),
            sa.Column(f"{prefix}_sector", sa.String(3))]


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("event_id", ID, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen", TIME),
        sa.Column("last_seen", TIME),
        sa.Column("first_seen_utc", sa.DateTime),
        sa.Column("last_seen_utc", sa.DateTime),
        sa.Column("num_articles", sa.Integer, nullable=False),
        sa.Column("num_sources", sa.Integer, nullable=False),
        sa.Column("sources", DOCUMENT, nullable=False),
        sa.Column("article_ids", DOCUMENT, nullable=False),
        sa.Column("entities", DOCUMENT, nullable=False),
        sa.Column("actions", DOCUMENT, nullable=False),
    )
    op.create_index("events_by_last_seen", "events", ["last_seen_utc", "event_id"])
    op.create_index("events_by_first_seen", "events", ["first_seen_utc"])
    op.create_table(
        "mentions",
        sa.Column("article_id", ID, primary_key=True),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("published", TIME),
        sa.Column("published_utc", sa.DateTime),
        sa.Column("relation", sa.String(10), nullable=False),
        sa.Column("similarity", sa.Float),
    )
    op.create_index("mentions_by_event", "mentions", ["event_id"])
    op.create_index("mentions_by_source", "mentions", ["source", "event_id"])
    op.create_table(
        "articles",
        sa.Column("article_id", ID, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("published", TIME),
        sa.Column("published_utc", sa.DateTime),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("duplicate_of", ID),
        sa.Column("similarity", sa.Float),
    )
    op.create_table(
        "entities",
        sa.Column("entity_id", ID, primary_key=True),
        sa.Column("canonical", sa.Text),
        sa.Column("type", sa.String(4), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
    )
    op.create_table(
        "article_entities",
        sa.Column("article_id", ID, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("entity_id", ID),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("type", sa.String(4), nullable=False),
        sa.Column("field", sa.String(5), nullable=False),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("role", sa.String(3)),
    )
    op.create_index("article_entities_by_entity", "article_entities", ["entity_id", "article_id"])
    op.create_index("article_entities_by_country", "article_entities", ["country", "article_id"])
    op.create_table(
        "actions",
        sa.Column("article_id", ID, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("plover", sa.String(12), nullable=False),
        sa.Column("cameo", sa.String(4), nullable=False),
        *actor("actor1"),
        *actor("actor2"),
        sa.Column("place_entity_id", ID),
        sa.Column("place_canonical", sa.Text),
        sa.Column("place_text", sa.Text),
        sa.Column("place_country", sa.String(2)),
        sa.Column("date", sa.String(10)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("trigger_text", sa.Text, nullable=False),
        sa.Column("trigger_field", sa.String(5), nullable=False),
        sa.Column("trigger_start", sa.Integer, nullable=False),
        sa.Column("trigger_end", sa.Integer, nullable=False),
    )
    op.create_index("actions_by_plover", "actions", ["plover", "article_id"])
    op.create_index("actions_by_countries", "actions", ["actor1_country", "actor2_country"])
    op.create_table(
        "event_facets",
        sa.Column("facet", sa.String(7), primary_key=True),
        sa.Column("value", ID, primary_key=True),
        sa.Column("event_id", ID, primary_key=True),
    )
    op.create_index("event_facets_by_event", "event_facets", ["event_id", "facet"])


def downgrade() -> None:
    for table in ("event_facets", "actions", "article_entities", "entities", "articles", "mentions", "events"):
        op.drop_table(table)
