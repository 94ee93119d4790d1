"""The crawler's page extraction: main text only, text untouched, any Arabic charset however it
is declared, canonical URLs and stable ids, dates and languages."""

from __future__ import annotations

import json

import pytest

from feeds.dates import iso_date
from feeds.extract import ExtractError, article_id, decode_html, extract_page, normalize_url
from feeds.language import decide_language
from feeds_server import FIXTURES

BASE = "https://www.wadi-news.example"
TRUTH = json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8"))
RLM, TATWEEL, LAM_ALEF = "\u200f", "\u0640", "\ufefb"


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{base}", BASE.encode())


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_only_the_article_text_is_extracted(name):
    """Navigation, «اقرأ أيضا» boxes (inside the article too), comments, sidebars and footers stay out."""
    truth = TRUTH[name]
    extracted = extract_page(page(name), f"{BASE}/{name}", "text/html")
    assert extracted.body.splitlines() == truth["body"]
    # a page without a headline has its <title>, with the site's name: the crawler prefers the feed's title then
    assert extracted.title in (truth["title"], f"جريدة النخيل :: {truth['title']}")
    assert not [snippet for snippet in truth["boilerplate"] if leaked(snippet, extracted.body)]


def leaked(snippet: str, text: str) -> bool:
    """A boilerplate snippet is in the text: as a line of its own, or (three words or more) anywhere."""
    return snippet in text.splitlines() or (len(snippet.split()) >= 3 and snippet in text)


def test_tatweel_presentation_forms_and_bidi_marks_go_through_untouched():
    extracted = extract_page(page("wadi/bridge.html"), f"{BASE}/x", "text/html; charset=utf-8")
    assert TATWEEL * 3 in extracted.title
    assert f"{RLM}42 مليون دينار{RLM}" in extracted.body  # written as &rlm; in the page
    assert LAM_ALEF in extracted.body


def test_unprintable_characters_written_literally_survive_too():
    html = ("<html><body><article><h1>عنوان\u200e الخبر</h1>"
            + "".join(f"<p>قال المتحدث باسم الوزارة\u200f إن الاجتماع {n} سيعقد الأسبوع المقبل في العاصمة.</p>"
                      for n in ("الأول", "الثاني", "الثالث"))
            + "</article></body></html>")
    extracted = extract_page(html.encode(), f"{BASE}/a", "text/html; charset=utf-8")
    assert extracted.body.count("\u200f") == 3


def variant(encoding: str, meta: str | None) -> bytes:
    """The bridge page written in ``encoding``, declaring ``meta`` in the page (None: nothing)."""
    text = page("wadi/bridge.html").decode("utf-8").replace('<meta charset="utf-8">',
                                                             f'<meta charset="{meta}">' if meta else "")
    return text.encode(encoding, errors="xmlcharrefreplace")


CHARSET_CASES = {
    # name: (bytes encoding, declared in the page, Content-Type header)
    "utf-8 declared right": ("utf-8", "utf-8", "text/html; charset=utf-8"),
    "utf-8 declared nowhere": ("utf-8", None, "text/html"),
    "utf-8 declared windows-1256": ("utf-8", "windows-1256", "text/html; charset=windows-1256"),
    "windows-1256 in the page only": ("cp1256", "windows-1256", "text/html"),
    "windows-1256 in the header only": ("cp1256", None, "text/html; charset=windows-1256"),
    "windows-1256 with a header claiming utf-8": ("cp1256", "windows-1256", "text/html; charset=utf-8"),
    "windows-1256 with a header claiming iso-8859-1": ("cp1256", "windows-1256", "text/html; charset=iso-8859-1"),
    "windows-1256 declared nowhere": ("cp1256", None, "text/html"),
    "iso-8859-6 declared right": ("iso-8859-6", "iso-8859-6", "text/html"),
    "iso-8859-6 declared windows-1256": ("iso-8859-6", "windows-1256", "text/html; charset=windows-1256"),
    "iso-8859-6 declared nowhere": ("iso-8859-6", None, "text/html"),
}


@pytest.mark.parametrize("case", sorted(CHARSET_CASES))
def test_every_arabic_charset_gives_the_same_article_however_it_is_declared(case):
    encoding, meta, content_type = CHARSET_CASES[case]
    original = extract_page(page("wadi/bridge.html"), f"{BASE}/x", "text/html; charset=utf-8")
    extracted = extract_page(variant(encoding, meta), f"{BASE}/x", content_type)
    assert (extracted.title, extracted.body) == (original.title, original.body)


def test_the_windows_1256_fixture_decodes_by_its_meta_declaration():
    decoded = decode_html((FIXTURES / "nakheel/municipal.html").read_bytes(), "text/html")
    assert (decoded.encoding, decoded.how) == ("cp1256", "meta")
    assert "بلدية النخيل تطلق حملة" in decoded.text


def test_pages_that_are_not_html_or_have_no_text_are_refused_with_their_reason():
    with pytest.raises(ExtractError) as pdf:
        extract_page(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", f"{BASE}/report.pdf", "application/pdf")
    assert pdf.value.reason == "not_html"
    with pytest.raises(ExtractError) as json_page:
        extract_page(b'{"title": "x"}', f"{BASE}/api", "application/json")
    assert json_page.value.reason == "not_html"
    with pytest.raises(ExtractError) as video:
        extract_page(page("wadi/olive-festival.html"), f"{BASE}/video", "text/html")
    assert video.value.reason == "no_text"


def test_html_served_without_a_content_type_is_sniffed():
    extracted = extract_page(page("sahil/heat-wave.html"), f"{BASE}/heat", "")
    assert extracted.title == TRUTH["sahil/heat-wave.html"]["title"]


def test_the_canonical_url_comes_from_the_page_else_from_the_final_url_and_is_normalized():
    extracted = extract_page(page("wadi/bridge.html"), f"{BASE}/wadi/news/2026/05/03/bridge.html?utm_source=rss",
                             "text/html")
    assert extracted.canonical_url == "https://www.wadi-news.example/wadi/news/2026/05/03/bridge.html"
    no_canonical = extract_page((FIXTURES / "nakheel/football.html").read_bytes(),
                                "HTTP://Nakheel.example:80/nakheel/news.php?id=20409&sec=4&utm_medium=rss#top",
                                "text/html")
    assert no_canonical.canonical_url == "http://nakheel.example/nakheel/news.php?id=20409&sec=4"


def test_a_canonical_link_to_the_home_page_is_a_template_mistake_and_ignored():
    html = page("sahil/heat-wave.html").replace(b'href="https://www.wadi-news.example/sahil/2026/05/02/heat-wave/"',
                                                 b'href="https://www.wadi-news.example/"')
    extracted = extract_page(html, f"{BASE}/sahil/2026/05/02/heat-wave/", "text/html")
    assert extracted.canonical_url == f"{BASE}/sahil/2026/05/02/heat-wave/"


def test_one_address_has_one_spelling_and_one_id():
    spellings = ["https://example.com/أخبار/افتتاح-الجسر?id=7&utm_source=rss",
                 "https://EXAMPLE.com:443/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/%D8%A7%D9%81%D8%AA%D8%AA%D8%A7%D8%AD-"
                 "%D8%A7%D9%84%D8%AC%D8%B3%D8%B1?id=7#comments",
                 "https://example.com/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/%d8%a7%d9%81%d8%aa%d8%aa%d8%a7%d8%ad-"
                 "%d8%a7%d9%84%d8%ac%d8%b3%d8%b1?fbclid=abc&id=7"]
    assert len({normalize_url(url) for url in spellings}) == 1
    identifier = article_id(normalize_url(spellings[0]))
    assert identifier.startswith("example.com:") and len(identifier) <= 256
    assert identifier == article_id(normalize_url(spellings[1]))
    assert identifier != article_id(normalize_url("https://example.com/other"))


def test_dates_from_the_page_keep_their_offset_and_read_arabic_indic_digits():
    assert extract_page(page("wadi/power-link.html"), f"{BASE}/x", "text/html").published_at == \
        "2026-05-03T11:05:00+03:00"
    html = ("<html><body><article><h1>عنوان</h1><p class='date'>نشر في ٠٣/٠٥/٢٠٢٦</p>"
            + "<p>أعلنت وزارة النقل اليوم افتتاح الجسر الجديد الذي يربط ضفتي النهر بعد سنوات من العمل.</p>" * 3
            + "</article></body></html>")
    assert extract_page(html.encode(), f"{BASE}/news/a", "text/html; charset=utf-8").published_at == "2026-05-03"
    assert iso_date("Sun, 03 May 2026 09:15:00 +0300") == "2026-05-03T09:15:00+03:00"
    assert iso_date("٢٠٢٦-٠٥-٠٣T٠٩:١٥:٠٠+٠٣:٠٠") == "2026-05-03T09:15:00+03:00"
    assert iso_date("Sun, 03 May 2026 09:15:00 -0000") == "2026-05-03T09:15:00"  # no zone: none invented
    assert iso_date("الأحد") is None


def test_the_language_is_declared_or_read_from_the_script():
    arabic = "أعلنت وزارة النقل اليوم افتتاح الجسر الجديد"
    assert decide_language(arabic, None, "ar-SA") == "ar-SA"
    assert decide_language(arabic, None, "ar_SA") == "ar-SA"
    assert decide_language(arabic, "en") == "ar"  # a template's lang="en" on an Arabic page
    assert decide_language(arabic, None, None) == "ar"
    assert decide_language("Le ministre a inauguré le pont", "fr") == "fr"
    assert decide_language("The minister opened the bridge", None) == "und"
