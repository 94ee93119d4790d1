"""Akhbar's own feed producer: polls outlets' RSS and Atom feeds, fetches their articles' pages
politely, extracts the main text and publishes ``Article`` messages to ``articles.raw``.

One module per concern: ``config`` (FEEDS.toml), ``state`` (the SQLite store that makes
restarts publish once), ``fetch`` (HTTP), ``parse`` (feeds), ``extract`` (pages), ``dates``
and ``language`` (what feeds and pages declare), ``sink`` (Kafka or JSON Lines),
``crawler`` (the poll loop), ``metrics``, ``health`` (``feeds check``) and ``cli``.
"""
