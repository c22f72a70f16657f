"""The chat page end to end in headless Chromium, over the real (sliced) corpus.

Drives what a person does: ask, watch the answer stream in, read the
sources, open one in context, ask for salaries and see the chart, start a
new conversation; and checks that two browsers keep separate conversations
and that the page never calls out to the internet.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from advisor import Advisor
from advisor.sources import has_internal_detail

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "ui"
AGENTS_Q = "What percent of AI engineer postings ask for AI agents?"
SALARY_Q = "What do AI engineers earn in Germany compared with the UK?"
SWITCH_Q = "I'm a sysadmin — how do I get into AI engineering?"
# Records every text the newest bot message shows, so the test can see the answer grow (streaming).
WATCH_BOT = """
window.__botTexts = [];
new MutationObserver(() => {
  const bots = document.querySelectorAll('#chatbot [data-testid="bot"]');
  const text = bots.length ? bots[bots.length - 1].innerText.trim() : "";
  const seen = window.__botTexts;
  if (text && seen[seen.length - 1] !== text) seen.push(text);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
expect = sync_api.expect
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _open(browser: Browser, url: str, outside: list[str]) -> tuple[BrowserContext, Page]:
    """A fresh browser context (its own Gradio session) on the chat page, ready for input."""
    ctx = browser.new_context(viewport={"width": 1360, "height": 1000})
    ctx.add_init_script(WATCH_BOT)
    page = ctx.new_page()
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_enabled(timeout=60_000)
    return ctx, page


def _ask(page: Page, question: str) -> Locator:
    """Send `question`, wait for its reply to finish streaming, and return the last bot message."""
    bots = page.locator('#chatbot [data-testid="bot"]')
    before = bots.count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    expect(bots).to_have_count(before + 1, timeout=30_000)  # the first streamed words arrived
    tracker = page.locator("#chatbot > [data-testid=status-tracker]")
    expect(tracker).to_have_class(re.compile(r"\bhide\b"), timeout=30_000)
    expect(page.locator("#status")).not_to_contain_text("Looking through the sources", timeout=30_000)
    return bots.last


def _user_messages(page: Page) -> list[str]:
    return [t.strip() for t in page.locator('#chatbot [data-testid="user"]').all_inner_texts()]


def _salary_chart_rows_missing() -> str | None:
    """Why a salary answer can't carry a chart yet (the data tool is another module), or None."""
    try:
        salary = importlib.import_module("advisor.tools.salary")
    except ImportError as exc:
        return f"advisor.tools.salary can't be imported ({exc})"
    if not any(hasattr(v, "chart_rows") for v in vars(salary).values()):
        return "advisor.tools.salary has no chart_rows() yet"
    return None


def test_cited_answer_streams_with_sources(browser: Browser, ui_url: str, advisor: Advisor) -> None:
    outside: list[str] = []
    ctx, page = _open(browser, ui_url, outside)

    bot = _ask(page, AGENTS_Q)
    expect(bot).to_contain_text("47.3%")
    shown: list[str] = page.evaluate("window.__botTexts")
    assert len(shown) >= 2 and shown[-1].startswith(shown[0]), f"the answer did not stream: {shown[:3]}"
    expect(page.locator("#sources")).to_contain_text("[1]")
    expect(page.locator("#chart")).to_be_hidden()  # no numbers to plot for this answer

    # a source card opens onto its passage, with the quote highlighted; the file is named in its details
    page.locator("#adv-src-2 .adv-src-head").click()
    expect(page.locator("#adv-src-2 mark").first).to_be_visible()
    expect(page.locator("#adv-src-2 .adv-details")).to_contain_text(".txt")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cited-answer.png"), full_page=True)

    # Input over the limit is refused on the page and never reaches the advisor.
    limit = advisor.settings.max_question_chars
    page.locator("#question textarea").fill("why " * (limit // 4 + 10))
    page.locator("#question textarea").press("Enter")
    expect(page.locator("#status")).to_contain_text(f"limit is {limit:,}")
    assert _user_messages(page) == [AGENTS_Q]

    # "New conversation" empties the chat and the panels.
    page.locator("#new-chat").click()
    expect(page.locator('#chatbot [data-testid="user"]')).to_have_count(0)
    expect(page.locator("#sources .adv-src")).to_have_count(0)
    ctx.close()
    assert outside == [], f"the page reached outside the app: {outside[:5]}"


def test_salary_answer_draws_a_chart(browser: Browser, ui_url: str) -> None:
    outside: list[str] = []
    ctx, page = _open(browser, ui_url, outside)
    bot = _ask(page, SALARY_Q)
    expect(bot).to_contain_text("$")
    expect(page.locator("#sources .adv-title").first).to_contain_text("aijobs.net salary survey")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    missing = _salary_chart_rows_missing()
    if missing:
        page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
        ctx.close()
        pytest.skip(f"no salary chart to check: {missing}")
    expect(page.locator("#chart img")).to_be_visible(timeout=15_000)
    page.locator("#chart img").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    ctx.close()
    assert outside == [], f"the page reached outside the app: {outside[:5]}"


def test_two_browsers_keep_separate_conversations(browser: Browser, ui_url: str) -> None:
    outside: list[str] = []
    ctx_a, page_a = _open(browser, ui_url, outside)
    ctx_b, page_b = _open(browser, ui_url, outside)
    _ask(page_a, AGENTS_Q)
    expect(page_b.locator('#chatbot [data-testid="user"]')).to_have_count(0)
    _ask(page_b, SWITCH_Q)
    _ask(page_a, "And which skills come next?")
    assert _user_messages(page_a) == [AGENTS_Q, "And which skills come next?"]
    assert _user_messages(page_b) == [SWITCH_Q]
    expect(page_b.locator('#chatbot [data-testid="bot"]')).to_have_count(1)
    ctx_a.close()
    ctx_b.close()


# --- plain sources, followable citations, layout --------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Ten answers of every shape: salary (survey, postings, BLS, articles), skills, advice, a refusal, a follow-up.
VARIED = [
    "What do senior machine learning engineers earn in Germany?",
    "Which skills do machine learning engineer postings ask for most?",
    SWITCH_Q,
    "What do data scientists earn in the US?",
    AGENTS_Q,
    "What do AI engineers earn in Germany compared with the UK?",
    "And in the UK?",
    "How much do data engineers make with Python skills?",
    "What is the weather in Paris?",
    "Give me a step-by-step plan to become an ML engineer in 6 months",
]


def _page(browser: Browser, url: str, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_enabled(timeout=60_000)
    return ctx, page


def _overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _shot(page: Page, name: str, readme: bool = False) -> None:
    """A viewport screenshot for artifacts/ui; with ADVISOR_SCREENSHOTS=1, the README's ones (`readme`) also
    go to docs/screenshots, reduced to a 128-colour palette so the repository stays small."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    if readme and os.environ.get("ADVISOR_SCREENSHOTS") == "1":
        from PIL import Image  # Pillow comes with matplotlib (the 'ui' extra)

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with Image.open(ARTIFACTS / name) as img:
            img.convert("RGB").quantize(colors=128).save(SCREENSHOTS / name, optimize=True)


def _headings(page: Page) -> list[str]:
    """Every source heading, badge, count and rows summary on the page (not the details line, which holds the
    exact filter on purpose, and not article passages, which are quoted verbatim)."""
    return page.locator("#sources :is(.adv-title, .adv-badge, .adv-count, .adv-rows)").all_inner_texts()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_citations_open_their_source(browser: Browser, ui_url: str, viewport: dict[str, int]) -> None:
    ctx, page = _page(browser, ui_url, viewport)
    bot = _ask(page, VARIED[0])
    headings = _headings(page)
    assert any(h.startswith("aijobs.net salary survey · ") for h in headings), headings
    bad = [h for h in headings if has_internal_detail(h)]
    assert not bad, f"filter syntax, a file hash or n= in a source heading: {bad}"

    chips = bot.locator(".adv-cite")
    expect(chips.first).to_be_visible()
    last = chips.last
    n = last.get_attribute("data-n")
    last.click()
    card = page.locator(f"#adv-src-{n}")
    expect(card).to_have_class(re.compile(r"\badv-flash\b"))
    expect(card).to_be_in_viewport()
    expect(card.locator("details")).to_have_attribute("open", "")
    # a data source shows the rows (summary and exact filter), not the tool's sentence again
    survey = page.locator(".adv-src", has=page.locator(".adv-kind-salary_data")).first
    survey.locator(".adv-src-head").click()
    expect(survey.locator(".adv-details")).to_contain_text("Filter: job_title=")
    expect(survey.locator(".adv-rows").first).to_contain_text("responses")
    if viewport is PHONE:
        # on a phone the sources sit right below the answer: less than one screen of scrolling away
        gap = page.evaluate(
            "document.querySelector('#sources').getBoundingClientRect().top"
            " - document.querySelector('#chatbot').getBoundingClientRect().bottom"
        )
        assert gap < viewport["height"], f"sources start {gap:.0f} px below the chat"
    ctx.close()


def test_no_sideways_scrolling_after_varied_answers(browser: Browser, ui_url: str) -> None:
    phone, page = _page(browser, ui_url, PHONE)
    desk, wide = _page(browser, ui_url, DESKTOP)
    for i, question in enumerate(VARIED):
        reply = _ask(page, question).inner_text()
        assert _overflow(page) <= 0, f"{_overflow(page)} px of sideways scrolling at 390 px after {question!r}"
        assert not has_internal_detail(reply), f"internal detail in the answer to {question!r}: {reply}"
        if i in (0, 1, 2):  # salary, skills and advice on the desktop too
            _ask(wide, question)
            assert _overflow(wide) <= 0, f"sideways scrolling at 1366 px after {question!r}"
            kind = ("salary", "skills", "advice")[i]
            _shot(page, f"phone-{kind}.png", readme=kind != "skills")
            _shot(wide, f"desktop-{kind}.png", readme=kind != "skills")
            bad = [h for h in _headings(page) if has_internal_detail(h)]
            assert not bad, f"internal detail in a source heading after {question!r}: {bad}"
    phone.close()
    desk.close()


def test_notes_do_not_move_the_chat_and_the_counter_counts(browser: Browser, ui_url: str) -> None:
    ctx, page = _page(browser, ui_url, DESKTOP)
    chat = page.locator("#chatbot")
    top = chat.bounding_box()
    assert top is not None
    _ask(page, "What do AI engineers earn in Germany compared with the UK?")  # an answer with notes
    expect(page.locator("#status .adv-notice").first).to_be_visible()
    after = chat.bounding_box()
    assert after is not None and (after["y"], after["height"]) == (top["y"], top["height"])
    box = page.locator("#question textarea")
    box.fill("How do I start?")
    expect(page.locator("#adv-counter")).to_have_text(re.compile(r"^15 / [\d,]+ characters$"))
    box.fill("x" * 5000)
    expect(page.locator("#adv-counter")).to_have_class(re.compile(r"\badv-over\b"))
    ctx.close()


def test_retry_answers_again_and_stop_is_hidden_when_idle(browser: Browser, ui_url: str) -> None:
    ctx, page = _page(browser, ui_url, DESKTOP)
    stop = page.locator("#question .stop-button")
    expect(stop).to_be_hidden()  # nothing to stop
    _ask(page, SWITCH_Q)
    expect(stop).to_be_hidden()
    page.locator('#chatbot button[aria-label="Retry"]').last.click()
    expect(page.locator("#chatbot > [data-testid=status-tracker]")).to_have_class(re.compile(r"\bhide\b"))
    expect(page.locator('#chatbot [data-testid="bot"]')).to_have_count(1)
    assert _user_messages(page) == [SWITCH_Q]  # asked again in place, not added below
    expect(page.locator("#sources .adv-src").first).to_be_visible()
    ctx.close()


def test_a_postings_answer_shows_its_table_without_sideways_scrolling(browser: Browser, ui_url: str) -> None:
    ctx, page = _page(browser, ui_url, PHONE)
    _ask(page, "Show me data analyst jobs in the United States")
    table = page.locator("#sources .adv-posting-table")
    expect(table).to_be_attached()
    assert table.locator("tbody tr").count() >= 2
    assert "Data Analyst" in table.inner_text() and "2023" in table.inner_text()
    assert _overflow(page) <= 0, f"{_overflow(page)} px of sideways scrolling at 390 px with the postings table"
    ctx.close()


def test_stop_ends_an_answer_mid_way_and_the_next_question_is_answered(
    browser: Browser, ui_url: str, advisor: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stop pressed while an answer streams: the answer stops growing where it was, the page is ready again, and
    the next question gets its whole answer with its sources."""
    import ui.app as ui_app

    whole = advisor.ask(SWITCH_Q).text
    assert len(re.findall(r"\[\d+\]", whole)) >= 3, whole  # long enough to stop in the middle
    monkeypatch.setattr(ui_app, "STREAM_PACING_S", 1.0)  # a second per sentence: time to press Stop
    ctx, page = _page(browser, ui_url, DESKTOP)
    bots = page.locator('#chatbot [data-testid="bot"]')
    box = page.locator("#question textarea")
    box.fill(SWITCH_Q)
    box.press("Enter")
    expect(bots).to_have_count(1, timeout=30_000)  # the first sentence is shown
    stop = page.locator("#question .stop-button")
    expect(stop).to_be_visible()
    stop.click()
    tracker = page.locator("#chatbot > [data-testid=status-tracker]")
    expect(tracker).to_have_class(re.compile(r"\bhide\b"), timeout=10_000)
    stopped = bots.last.inner_text()
    page.wait_for_timeout(2_500)  # longer than two more sentences would take
    assert bots.last.inner_text() == stopped, "the answer kept growing after Stop"
    assert len(re.findall(r"\[\d+\]", stopped)) < len(re.findall(r"\[\d+\]", whole)), stopped
    expect(stop).to_be_hidden()
    expect(box).to_be_enabled()
    expect(page.locator("#status")).to_contain_text("Stopped")  # the reader is told the answer is cut short
    monkeypatch.setattr(ui_app, "STREAM_PACING_S", 0.0)
    answer = _ask(page, AGENTS_Q)
    assert re.search(r"\[\d+\]", answer.inner_text()), answer.inner_text()  # a whole, cited answer
    expect(page.locator("#sources .adv-src").first).to_be_visible()
    assert _user_messages(page) == [SWITCH_Q, AGENTS_Q]
    ctx.close()


def test_how_to_steps_render_as_a_numbered_list(browser: Browser, ui_url: str) -> None:
    """An advice answer's steps are a Markdown numbered list on the page, each step with its citation."""
    ctx, page = _page(browser, ui_url, PHONE)
    answer = _ask(page, "Which projects should go in my portfolio so I get hired as an AI engineer?")
    steps = answer.locator("ol > li")
    assert steps.count() >= 2, answer.inner_text()
    assert all(re.search(r"\[\d+\]", t) for t in steps.all_inner_texts()), steps.all_inner_texts()
    assert _overflow(page) <= 0
    ctx.close()
