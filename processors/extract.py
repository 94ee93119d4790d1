"""Entity extraction: registry lookups over the normalized tokens of each field."""

from __future__ import annotations

from processors.gazetteer import Gazetteer
from schemas import EnrichedArticle, NormalizedArticle


class EntityExtractor:
    """``NormalizedArticle -> EnrichedArticle``: entities with offsets into the original fields."""

    name = "extract"

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer

    def __call__(self, article: NormalizedArticle) -> EnrichedArticle:
        original = article.article
        entities = []
        if article.title is not None and original.title is not None:
            entities += self._gazetteer.find(original.title, article.title.tokens, "title")
        entities += self._gazetteer.find(original.body, article.body.tokens, "body")
        return EnrichedArticle(
            id=article.id,
            article=original,
            language=article.language,
            published=article.published,
            entities=entities,
            actions=[],
            duplicate_of=article.duplicate_of,
            similarity=article.similarity,
        )
