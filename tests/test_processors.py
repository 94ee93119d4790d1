"""The processors on our own Arabic fixtures and on the user's seed article."""

from __future__ import annotations

import pytest

from processors import EntityExtractor, Gazetteer, Normalizer, Rejected
from processors.ner import NerTagger
from processors.registry import load_registry
from schemas import Article

NORMALIZER = Normalizer()
REGISTRY = load_registry()
EXTRACTOR = EntityExtractor(REGISTRY, Gazetteer.from_registry(REGISTRY, NORMALIZER.match_form), NerTagger(),
                            NORMALIZER.match_form)


def article(body: str, **fields) -> Article:
    return Article(id=fields.pop("id", "a-1"), source=fields.pop("source", "outlet"), body=body, **fields)


def test_match_forms_follow_the_camel_tools_chain():
    field = NORMALIZER.normalize_field("أعلنَ الوزيرُ إلى مدرسةٍ كتـــاب ﻻ")
    assert [t.norm for t in field.tokens] == ["اعلن", "الوزير", "الي", "مدرسه", "كتاب", "لا"]


def test_every_token_maps_back_to_its_original_slice():
    text = "وقالَ الوزيرُ: «سوريـــا ١٢٣» (أمس)\nوزار مصر."
    field = NORMALIZER.normalize_field(text)
    slices = [text[t.start:t.end] for t in field.tokens]
    assert slices == ["وقالَ", "الوزيرُ", ":", "«", "سوريـــا", "١٢٣", "»", "(", "أمس", ")", "وزار", "مصر", "."]
    assert [t.norm for t in field.tokens][4:6] == ["سوريا", "123"]
    assert field.text.split() == [t.norm for t in field.tokens]


def test_tokens_of_repeated_words_get_their_own_offsets():
    text = "مصر ثم مصر ثم مصر"
    starts = [t.start for t in NORMALIZER.normalize_field(text).tokens if t.norm == "مصر"]
    assert starts == [0, 7, 14]


def test_original_text_is_kept_untouched():
    body = "  نصٌّ\u200f مع   مسافات\tوتشكيل  "
    normalized = NORMALIZER(article(body))
    assert normalized.article.body == body


@pytest.mark.parametrize(("body", "language"), [
    ("هذا خبر عربي عن الاقتصاد", "ar"),
    ("This is an English news story about the economy", "en"),
    ("12345 ...", "und"),
])
def test_language_from_the_share_of_arabic_letters(body, language):
    tagged = {"language": "en"} if language == "en" else {}
    assert NORMALIZER(article(body, **tagged)).language == language


def test_non_arabic_article_passes_through_without_entities():
    enriched = EXTRACTOR(NORMALIZER(article("Talks in Syria and Turkey", language="en")))
    assert enriched.language == "en" and enriched.entities == []


@pytest.mark.parametrize(("published_at", "canonical"), [
    ("2024-11-30T12:00:00Z", "2024-11-30T12:00:00+00:00"),
    ("2024-11-30T12:00:00", "2024-11-30T12:00:00"),
    ("2024-11-30T15:00:00+03:00", "2024-11-30T15:00:00+03:00"),
    ("2024-11-30", "2024-11-30T00:00:00"),
    (None, None),
])
def test_published_at_keeps_an_absent_timezone_absent(published_at, canonical):
    assert NORMALIZER(article("خبر", published_at=published_at)).published == canonical


def test_impossible_published_date_is_rejected_with_a_reason():
    with pytest.raises(Rejected) as rejected:
        NORMALIZER(article("خبر", published_at="2024-02-30T10:00:00"))
    assert rejected.value.reason == "invalid_published_at"


@pytest.mark.parametrize(("body", "surface", "entity_id"), [
    ("زار الوزير سوريا أمس", "سوريا", "Q858"),
    ("زار الوزير سوريَة أمس", "سوريَة", "Q858"),
    ("اتصال مع الجانب وروسيا", "روسيا", "Q159"),
    ("عاد إلى بالسعودية", "السعودية", "Q851"),
    ("دعم للسعودية", "للسعودية", "Q851"),  # the article's alef is elided: the span keeps «ل», never «لسعودية»
    ("دعم للبنان", "لبنان", "Q822"),
    ("وفد من الولايات المتحدة الأمريكية", "الولايات المتحدة الأمريكية", "Q30"),
    ("وفد من الولايات المتحدة", "الولايات المتحدة", "Q30"),
    ("فتركيا تتابع", "تركيا", "Q43"),
])
def test_country_mentions_are_found_through_clitics_with_exact_offsets(body, surface, entity_id):
    entities = EXTRACTOR(NORMALIZER(article(body))).entities
    assert [(e.text, e.entity_id, e.type) for e in entities] == [(surface, entity_id, "LOC")]
    assert body[entities[0].start:entities[0].end] == surface


def test_nationalities_are_not_their_countries():
    entities = EXTRACTOR(NORMALIZER(article("المصريون والسوريون والعراقيون"))).entities
    assert [(e.text, e.type, e.country) for e in entities] == [
        ("المصريون", "MISC", "EG"), ("السوريون", "MISC", "SY"), ("العراقيون", "MISC", "IQ")]


def test_seed_article_countries_are_found_with_offsets(seed_path):
    seed = Article.from_json(seed_path.read_bytes())
    enriched = EXTRACTOR(NORMALIZER(seed))
    found = {e.canonical for e in enriched.entities}
    assert {"Syria", "Turkey", "Russia", "Iran", "United States"} <= found
    for entity in enriched.entities:
        text = seed.title if entity.field == "title" else seed.body
        assert text[entity.start:entity.end] == entity.text
