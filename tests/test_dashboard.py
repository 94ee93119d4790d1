"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): the demo's events
appear and a new article's event joins them without a reload; the event page highlights entities
at their words; markup in an article stays text. Each page's screenshot is written to
``AKHBAR_SCREENSHOTS`` (default: a temporary directory; ``docs/screenshots`` refreshes the README's)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from conftest import DASHBOARD_ARTICLES, REPO, akhbar, missing, pipeline_env
from streams.broker import free_port, wait_for_port

pytestmark = [pytest.mark.integration, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
# As root and on a closed network: no sandbox, and none of the background connections Chromium tries.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
WAIT_MS = 90_000
SCREENSHOTS = Path(os.environ.get("AKHBAR_SCREENSHOTS") or Path(tempfile.gettempdir()) / "akhbar-screenshots")
MEETING = "ev-ec0635cf02208781"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    # Without the pages' Content-Security-Policy, which Playwright's predicates would break: the markup
    # test then shows that the pages themselves keep article text as text.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ar", bypass_csp=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
    yield opened
    context.close()
    assert errors == []


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(40)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@pytest.fixture(scope="module")
def served_run(run_output, tmp_path_factory) -> Iterator[str]:
    """``akhbar serve --from`` the run of the sample feed and the test articles, on a free port."""
    workdir = tmp_path_factory.mktemp("served")
    port = free_port()
    env = {**os.environ, "AKHBAR_DATA_DIR": str(workdir)}
    env.pop("AKHBAR_DATABASE_URL", None)
    log = open(workdir / "serve.log", "wb")
    command = [sys.executable, "-m", "streams", "serve", "--from", str(run_output), "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, 60)
    yield f"http://127.0.0.1:{port}"
    assert stop(server) == 0
    log.close()


def test_the_demo_shows_its_events_and_a_new_articles_event_appears_without_a_reload(broker, page, tmp_path):
    env = {**pipeline_env(broker, tmp_path / "data"), "AKHBAR_SERVE_GROUP": f"dashboard-{tmp_path.name}"}
    env.pop("AKHBAR_DATABASE_URL", None)
    log = open(tmp_path / "demo.log", "wb")
    demo = subprocess.Popen([sys.executable, "-m", "streams", "demo", "--stay", "--bidi", "logical"], env=env,
                            cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        address = None
        deadline = time.monotonic() + 120
        while address is None and time.monotonic() < deadline and demo.poll() is None:
            for line in (tmp_path / "demo.log").read_text().splitlines():
                if line.startswith("dashboard ") and "stays up" not in line:
                    address = line.split()[1]
            time.sleep(0.2)
        assert address, (tmp_path / "demo.log").read_text()[-3000:]
        page.goto(address)
        page.wait_for_function("document.querySelectorAll('li.event').length === 5", timeout=WAIT_MS)
        page.wait_for_function("document.getElementById('count-articles')?.textContent.startsWith('6')",
                               timeout=WAIT_MS)
        assert page.locator("li.event", has_text="الرياض").locator(".num-sources").inner_text().startswith("2")
        screenshot(page, "events")

        page.evaluate("window.notReloaded = true")
        article = {"id": "test-live-0001", "source": "live-wire", "title": "قطر تستضيف محادثات بين وفدين من ليبيا",
                   "body": "استضافت الدوحة اليوم محادثات بين وفدين ليبيين لبحث توحيد المؤسسات، بمشاركة مبعوث الأمم "
                           "المتحدة.", "published_at": "2030-01-01T10:00:00+03:00"}
        feed = tmp_path / "live.jsonl"
        feed.write_bytes(orjson.dumps(article) + b"\n")
        assert akhbar("produce", str(feed), "--no-progress", env=env).returncode == 0
        page.wait_for_function("document.querySelectorAll('li.event').length === 6", timeout=WAIT_MS)
        assert page.locator("li.event").first.locator(".title").inner_text() == article["title"]
        assert page.evaluate("window.notReloaded") is True
    finally:
        page.close()  # before its server goes
        returncode = stop(demo)
        log.close()
    assert returncode == 0, (tmp_path / "demo.log").read_text()[-3000:]


def test_the_event_page_highlights_entities_at_their_words(served_run, page, run_output):
    page.goto(f"{served_run}/event.html?id={MEETING}")
    page.wait_for_selector("article.report mark.entity")
    reports = page.locator("article.report")
    assert reports.count() == 3
    assert [section.get_attribute("data-outlet") for section in page.locator("section.outlet").all()] == [
        "riyadh-wire", "nile-daily", "desert-herald"]
    enriched = {row["id"]: row for row in map(orjson.loads, (run_output / "enriched.jsonl").read_bytes().splitlines())}
    for article_id in ("sample-riyadh-wire-0001", "test-desert-herald-0101"):
        report = page.locator(f'article.report[data-article-id="{article_id}"]')
        for field, selector in (("title", ".article-title"), ("body", ".article-body")):
            marks = report.locator(f"{selector} mark.entity").evaluate_all(
                "marks => marks.map(m => [m.dataset.entity, m.textContent])")
            expected = [[e["entity_id"], e["text"]] for e in enriched[article_id]["entities"] if e["field"] == field]
            assert marks == expected, (article_id, field)
    riyadh = page.locator('article.report[data-article-id="sample-riyadh-wire-0001"] .article-body '
                          'mark[data-entity="geonames:108410"]')
    assert riyadh.first.inner_text() == "الرياض"
    assert page.locator("table.actions tbody tr").count() >= 2
    assert page.locator("svg.timeline circle.report").count() == 3
    assert page.locator("svg.map path.land.involved[data-country=SA]").count() == 1
    screenshot(page, "event")


def test_markup_in_an_article_stays_text(served_run, page):
    article = orjson.loads(DASHBOARD_ARTICLES.read_bytes().splitlines()[1])
    event_id = page.request.get(f"{served_run}/articles/{article['id']}").json()["event_id"]
    page.goto(f"{served_run}/event.html?id={event_id}")
    body = page.locator(".article-body")
    body.wait_for()
    assert body.inner_text() == article["body"]
    assert "<script>window.__xss = 1</script>" in page.locator(".article-title").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator("script").count() == 2  # the page's own
    assert page.locator("article.report img").count() == 0
    assert page.locator("article.report a").count() == 0  # its javascript: url is no link
    screenshot(page, "markup")


def test_the_list_filters_by_plover_and_by_a_clicked_entity(served_run, page):
    page.goto(served_run)
    page.wait_for_function("document.querySelectorAll('li.event').length === 6")
    page.select_option("select[name=plover]", "AGREE")
    page.wait_for_function("document.querySelectorAll('li.event').length === 2")
    page.click("#filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('li.event').length === 6")
    page.locator("li.event button.entity", has_text="Riyadh").first.click()
    page.wait_for_function("document.querySelectorAll('li.event').length === 1")
    assert "entity=geonames%3A108410" in page.url
    page.click("#language")
    page.wait_for_function("document.documentElement.dir === 'ltr'")
    page.wait_for_function("document.querySelectorAll('li.event').length === 1")
    assert page.locator("#count-events").inner_text().endswith("events")
    screenshot(page, "events-filtered-english")
