"""Alembic's entry point: migrations run on the connection the store hands over (``Store.migrate``)."""

from alembic import context

from service.store import metadata

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
