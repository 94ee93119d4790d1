"""Events as a terminal table, with Arabic shown in the right order."""

from __future__ import annotations

import textwrap

import arabic_reshaper
from bidi import get_display
from rich.table import Table

from schemas import Event

TITLE_WIDTH = 46


def arabic_for_terminal(text: str, visual: bool, width: int = TITLE_WIDTH) -> str:
    """Wrap in logical order, then, for terminals without bidi support, shape and reorder each line.

    Wrapping first keeps the first words on the first line once the lines are reversed.
    """
    lines = textwrap.wrap(" ".join(text.split()), width) or [""]
    if visual:
        lines = [get_display(arabic_reshaper.reshape(line)) for line in lines]
    return "\n".join(lines)


def events_table(events: list[Event], *, visual: bool) -> Table:
    table = Table(title=f"Akhbar: {len(events)} events", show_lines=True)
    table.add_column("event", no_wrap=True, style="cyan")
    table.add_column("first seen", no_wrap=True)
    table.add_column("title", no_wrap=True, justify="right" if visual else "left")
    table.add_column("articles", justify="right")
    table.add_column("sources")
    table.add_column("entities")
    for event in events:
        table.add_row(
            event.event_id,
            (event.first_seen or "")[:16].replace("T", " "),
            arabic_for_terminal(event.title, visual),
            str(event.num_articles),
            "\n".join(event.sources),
            ", ".join(f"{e.canonical} ({e.mentions})" for e in event.entities[:5]),
        )
    return table
