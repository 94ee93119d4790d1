"""The country an actor acts for when its words do not say: from the article around it.

«مجلس الوزراء» or «المواطنين» name no state, but the article does: «رئاسة مجلس الوزراء
السورية … مجلس الوزراء» is Syria's cabinet. An actor of a state's kind (government,
forces, courts, citizens …) without a country takes that of the nearest entity before
it in the same field that has one, else the country the article names most. Actors
that belong to no state (transnational militants, international bodies, unidentified
gunmen, NGOs) take none.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

from schemas import Entity

STATELESS_ROLES = frozenset({"IMG", "IGO", "UAF", "NGO"})


class ArticleCountries:
    """Where each field of an article names which country, for ``country_at``."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self._by_field: dict[str, tuple[list[int], list[str]]] = {}
        for field in ("title", "body"):
            placed = sorted((e.start, e.country) for e in entities if e.field == field and e.country)
            self._by_field[field] = ([start for start, _ in placed], [country for _, country in placed])
        named = Counter(e.country for e in entities if e.country)
        self._most_named = named.most_common(1)[0][0] if named else None

    def country_at(self, field: str, start: int, role: str | None) -> str | None:
        if role is None or role in STATELESS_ROLES:
            return None
        starts, countries = self._by_field[field]
        before = bisect_left(starts, start)
        return countries[before - 1] if before else self._most_named
