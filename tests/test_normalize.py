"""Normalization rules, each on our own Arabic fixtures."""

from __future__ import annotations

import unicodedata

import orjson
import pytest
from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar
from conftest import shared_file

from processors import Normalizer
from processors.arabic import ZERO_WIDTH, base_form, proclitic_readings
from processors.normalize import word_tokens
from schemas import Article

NORMALIZER = Normalizer()


def norms(text: str, source: str | None = None) -> list[str]:
    return [t.norm for t in NORMALIZER.normalize_field(text, source).tokens]


def slices(text: str) -> list[str]:
    return [text[t.start:t.end] for t in NORMALIZER.normalize_field(text).tokens]


def test_html_tags_and_entities_are_removed_but_offsets_stay_in_the_original():
    text = "<p>زار <b>الوزير</b> مصر&nbsp;اليوم</p><script>var x = 'سوريا';</script>"
    assert norms(text) == ["زار", "الوزير", "مصر", "اليوم"]
    assert slices(text) == ["زار", "الوزير", "مصر", "اليوم"]


def test_boilerplate_lines_are_dropped():
    text = "افتتح المعرض أمس.\nرابط الخبر بصحيفة المثال: افتتاح المعرض\n...المزيد\nللتواصل مع الكاتب: 5555"
    assert norms(text) == ["افتتح", "المعرض", "امس", "."]


def test_boilerplate_can_be_listed_per_source():
    normalizer = Normalizer({"wire-a": [r"خدمة الوكالة الخاصة"]})
    text = "وصل الوفد.\nخدمة الوكالة الخاصة"
    assert [t.norm for t in normalizer.normalize_field(text, "wire-a").tokens] == ["وصل", "الوفد", "."]
    assert len(normalizer.normalize_field(text, "other").tokens) == 6


@pytest.mark.parametrize("invisible", ["\u200f", "\u202b", "\u202e", "\u2066", "\x1a", "\x00", "\u061c"])
def test_control_and_bidi_characters_separate_and_vanish(invisible):
    text = f"{invisible}سوريا{invisible} ومصر"
    assert norms(text) == ["سوريا", "ومصر"]
    assert slices(text) == ["سوريا", "ومصر"]


@pytest.mark.parametrize("zero_width", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"])
def test_zero_width_characters_leave_words_whole(zero_width):
    text = f"سو{zero_width}ريا {zero_width}مصر"
    assert norms(text) == ["سوريا", "مصر"]
    assert slices(text) == [f"سو{zero_width}ريا", "مصر"]


def test_presentation_forms_tatweel_and_whitespace():
    assert norms("ﺍﻟﺴﻼﻡ   ﻋﻠﻴﻜﻢ\t\tكتـــــاب") == ["السلام", "عليكم", "كتاب"]
    assert NORMALIZER.normalize_field("  مصر \n\n  والسودان  ").text == "مصر والسودان"


@pytest.mark.parametrize(("word", "form"), [
    ("أحمد", "احمد"), ("إيران", "ايران"), ("آمال", "امال"), ("ٱلله", "الله"),
    ("مستشفى", "مستشفي"), ("مدرسة", "مدرسه"),
    ("مؤتمر", "موتمر"), ("رئيس", "رييس"),
    ("مُحَمَّدٌ", "محمد"),
    ("٢٠٢٤", "2024"), ("۱۴۰۳", "1403"),
    ("یک", "يك"), ("کتاب", "كتاب"),
    ("ＡＢＣ", "ABC"),
])
def test_match_forms(word, form):
    assert NORMALIZER.match_form(word) == form


def test_original_text_stays_untouched_and_tokens_map_back_to_exact_slices():
    body = "<i>وقالَ</i> الوزيرُ\u200f: «سوريـــا ١٢٣» (أمس)"
    article = NORMALIZER(Article(id="a", source="s", body=body))
    assert article.article.body == body
    assert [body[t.start:t.end] for t in article.body.tokens] == \
        ["وقالَ", "الوزيرُ", ":", "«", "سوريـــا", "١٢٣", "»", "(", "أمس", ")"]


def test_sentences_split_at_final_punctuation_and_line_breaks_with_offsets():
    text = "ارتفع المؤشر 3.5 بالمئة. هل يستمر؟ قال المحلل!\nسطر جديد بلا نقطة\nوآخر"
    field = NORMALIZER.normalize_field(text)
    assert [text[s.start:s.end] for s in field.sentences] == [
        "ارتفع المؤشر 3.5 بالمئة.", "هل يستمر؟", "قال المحلل!", "سطر جديد بلا نقطة", "وآخر"]


@pytest.mark.parametrize(("form", "base"), [
    ("وبالمدينه", "مدينه"), ("للسلام", "سلام"), ("والرياض", "رياض"), ("فالحكومه", "حكومه"),
    ("كالمعتاد", "معتاد"), ("بالامس", "امس"), ("الرياض", "رياض"), ("وزير", "وزير"), ("من", "من"),
])
def test_base_forms_strip_proclitics(form, base):
    assert base_form(form) == base


def test_clitic_readings_are_offered_to_matchers():
    assert ("السعوديه", 1) in proclitic_readings("للسعوديه")
    assert ("مصر", 2) in proclitic_readings("وبمصر")
    assert NORMALIZER.normalize_field("وبالمدينة").tokens[0].base == "مدينه"


@pytest.mark.parametrize(("title", "body", "language"), [
    ("قمة عربية", "اجتمع القادة العرب في الرياض", "ar"),
    ("Arab summit", "Leaders met in Riyadh on Monday", "und"),
    (None, "Die Minister trafen sich in Riad, مصر", "und"),
])
def test_language_is_detected_from_the_share_of_arabic_letters(title, body, language):
    assert NORMALIZER(Article(id="a", source="s", title=title, body=body)).language == language


def test_body_of_diacritics_only_yields_no_tokens():
    article = NORMALIZER(Article(id="a", source="s", body="ًٌٍَُِّْ"))
    assert article.body.tokens == [] and article.body.sentences == []


def test_boilerplate_is_learned_from_lines_a_source_repeats():
    from processors.boilerplate import learn_boilerplate

    articles = [Article(id=f"a{i}", source="daily", body=f"خبر رقم {i} عن الطقس\nصحيفة اليومية – متابعات")
                for i in range(6)]
    articles.append(Article(id="b", source="weekly", body="خبر\nصحيفة اليومية – متابعات"))
    learned = learn_boilerplate(articles)
    assert list(learned) == ["daily"]
    normalizer = Normalizer(learned)
    text = "وصل الوفد\nصحيفة  اليومية – متابعات"
    assert [t.norm for t in normalizer.normalize_field(text, "daily").tokens] == ["وصل", "الوفد"]


def test_tokens_and_match_forms_are_camel_tools_on_every_word_of_the_dev_stream():
    """The fast paths give what camel-tools gives: tokenization word by word (both split on
    whitespace first), and the match form of every token camel-tools makes of the stream."""
    arclean = CharMapper.builtin_mapper("arclean")

    def camel_match_form(text: str) -> str:
        text = arclean(unicodedata.normalize("NFKC", text))
        text = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(text))))
        return "".join(c for c in text.replace("ؤ", "و").replace("ئ", "ي") if c not in ZERO_WIDTH)

    normalizer = Normalizer()
    words = set()
    for line in shared_file("news/dev_stream.jsonl").read_bytes().splitlines():
        record = orjson.loads(line)
        for field in (record.get("title"), record.get("body")):
            if isinstance(field, str):
                words.update(normalizer.clean(field).split())
    pieces = set()
    for word in words:
        camel = simple_word_tokenize(word)
        assert word_tokens(word) == camel, word
        pieces.update(camel)
    assert len(words) > 100_000
    for piece in pieces:
        assert normalizer.match_form(piece) == camel_match_form(piece), piece
