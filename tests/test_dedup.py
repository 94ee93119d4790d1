"""Exact and near-duplicate detection, its time window and bounded state, and what assembly does."""

from __future__ import annotations

from datetime import timedelta

from processors import (
    Deduplicator,
    EventAssembler,
    Normalizer,
    WindowState,
    event_id_for,
)
from processors.dedup import ALPHANUMERIC
from schemas import Article, Duplicate, EnrichedArticle

NORMALIZER = Normalizer()
STORY = (
    "أعلنت وزارة الصحة في بيان صدر مساء اليوم عن افتتاح مستشفى جديد في المدينة يضم مئتي سرير "
    "وأقساما متخصصة لعلاج أمراض القلب والأطفال، وقال المتحدث باسم الوزارة إن المستشفى سيبدأ "
    "استقبال المرضى مطلع الشهر المقبل بعد اكتمال تجهيز غرف العمليات وتدريب الكوادر الطبية، "
    "وأضاف أن المشروع جزء من خطة لتوسيع الخدمات الصحية في المناطق البعيدة عن العاصمة خلال "
    "السنوات الخمس المقبلة، مشيرا إلى أن الوزارة تعمل على توظيف مئات الأطباء والممرضين."
)
OTHER_STORY = (
    "شهدت الأسواق المالية في المنطقة تراجعا ملحوظا خلال تعاملات الأسبوع بعد انخفاض أسعار النفط "
    "إلى أدنى مستوى لها منذ أشهر، وقال محللون إن المستثمرين يترقبون قرارات البنوك المركزية بشأن "
    "أسعار الفائدة، في حين سجلت أسهم قطاع البتروكيماويات أكبر الخسائر بين القطاعات المدرجة."
)


def normalized(article_id: str, body: str, hours: float = 0, source: str = "outlet-a"):
    published = f"2024-12-01T{int(hours) % 24:02d}:00:00" if hours < 24 else \
        f"2024-12-{1 + int(hours) // 24:02d}T{int(hours) % 24:02d}:00:00"
    return NORMALIZER(Article(id=article_id, source=source, body=body, published_at=published))


def test_a_new_story_is_not_a_duplicate():
    verdict = Deduplicator()(normalized("a", STORY), WindowState())
    assert (verdict.kind, verdict.duplicate_of, verdict.similarity) == (None, None, None)


def test_exact_copy_after_normalization_is_an_exact_duplicate_of_the_first():
    state = WindowState()
    dedup = Deduplicator()
    dedup(normalized("a", STORY), state)
    copy = "<p>" + STORY.replace("مستشفى", "مستشفـــى").replace("أعلنت", "اعلنت") + "</p>\nرابط الخبر: نص"
    verdict = dedup(normalized("b", copy, hours=2, source="outlet-b"), state)
    assert (verdict.kind, verdict.duplicate_of, verdict.similarity) == ("exact", "a", 1.0)
    assert dedup(normalized("c", STORY, hours=3), state).duplicate_of == "a"


def test_same_story_under_another_intro_and_signature_is_a_near_duplicate():
    state = WindowState()
    dedup = Deduplicator()
    dedup(normalized("a", STORY), state)
    rewritten = "الرياض - خاص:\n" + STORY + "\nمحرر الشؤون المحلية"
    verdict = dedup(normalized("b", rewritten, hours=1), state)
    assert verdict.kind == "near" and verdict.duplicate_of == "a"
    assert 0.6 <= verdict.similarity < 1.0


def test_a_different_story_is_not_matched():
    state = WindowState()
    dedup = Deduplicator()
    dedup(normalized("a", STORY), state)
    assert dedup(normalized("b", OTHER_STORY, hours=1), state).kind is None


def test_copies_of_a_copy_point_to_the_first_article():
    state = WindowState()
    dedup = Deduplicator()
    dedup(normalized("a", STORY), state)
    dedup(normalized("b", "مقدمة جديدة للخبر\n" + STORY, hours=1), state)
    assert dedup(normalized("c", "مقدمة جديدة للخبر\n" + STORY, hours=2), state).duplicate_of == "a"


def test_copies_outside_the_window_are_new_stories():
    state = WindowState()
    dedup = Deduplicator(window=timedelta(hours=24))
    dedup(normalized("a", STORY), state)
    assert dedup(normalized("b", STORY, hours=30), state).kind is None


def test_state_stays_bounded_because_old_slices_expire():
    state = WindowState()
    dedup = Deduplicator(window=timedelta(hours=6))
    for hour in range(0, 96, 3):
        dedup(normalized(f"story-{hour}", f"{OTHER_STORY} رقم {hour} " * 2 + STORY[: hour + 40], hours=hour), state)
    times = [record["t"] for record in state.records.values()]
    assert (max(times) - min(times)) // 3600 < 3 * 6  # the last two slices, and what is not yet swept
    assert len(state.records) < 12


def test_replaying_an_article_returns_its_first_verdict():
    state = WindowState()
    dedup = Deduplicator()
    first = dedup(normalized("a", STORY), state)
    assert dedup(normalized("a", STORY), state) == first
    dedup(normalized("b", STORY, hours=1), state)
    assert dedup(normalized("b", STORY, hours=1), state).duplicate_of == "a"


def test_an_exact_duplicate_is_counted_as_a_mention_of_the_original_event():
    events = WindowState()
    assembler = EventAssembler()
    original = EnrichedArticle(id="a", article=Article(id="a", source="outlet-a", title="افتتاح مستشفى", body=STORY),
                               language="ar", published="2024-12-01T08:00:00", entities=[], actions=[])
    assembler(original, events)
    marker = Duplicate(id="b", article=Article(id="b", source="outlet-b", body=STORY),
                       published="2024-12-01T09:30:00", duplicate_of="a", similarity=1.0, kind="exact")
    event, mention = assembler(marker, events)
    assert mention.event_id == event.event_id == event_id_for("a")
    assert (event.article_ids, event.sources, event.num_articles, event.num_sources) == \
        (["a", "b"], ["outlet-a", "outlet-b"], 2, 2)
    assert (event.first_seen, event.last_seen) == ("2024-12-01T08:00:00", "2024-12-01T09:30:00")
    again, _ = assembler(marker, events)
    assert again == event


def test_a_signature_word_is_a_token_with_a_character_for_which_isalnum_holds():
    """The regex that picks a signature's words agrees with str.isalnum on every code point."""
    assert [c for c in map(chr, range(0x110000)) if c.isalnum() != bool(ALPHANUMERIC.search(c))] == []
