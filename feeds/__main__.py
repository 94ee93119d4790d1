"""``python -m feeds``: the ``akhbar feeds`` group, before (or without) its registration in ``akhbar``."""

from feeds.cli import feeds

feeds(prog_name="akhbar feeds")
