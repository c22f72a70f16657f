"""The chat page end to end in headless Chromium, over the real (sliced) corpus.

Drives what a person does: ask, watch the answer stream in, read the
sources, open one in context, ask for salaries and see the chart, start a
new conversation; and checks that two browsers keep separate conversations
and that the page never calls out to the internet.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from advisor import Advisor

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
    expect(page.locator("#sources")).to_contain_text("003_2a3e108b44c3953e.txt")
    expect(page.locator("#sources")).to_contain_text("[1]")
    expect(page.locator("#source-context mark").first).to_be_visible()  # the quote, highlighted in its passage
    expect(page.locator("#source-context")).to_contain_text("[1]")
    expect(page.locator("#chart")).to_be_hidden()  # no numbers to plot for this answer

    page.locator("#source-picker input").click()
    page.get_by_role("option").filter(has_text="[2]").first.click()
    expect(page.locator("#source-context")).to_contain_text("[2]")
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
    expect(page.locator("#sources")).not_to_contain_text("003_2a3e108b44c3953e.txt")
    ctx.close()
    assert outside == [], f"the page reached outside the app: {outside[:5]}"


def test_salary_answer_draws_a_chart(browser: Browser, ui_url: str) -> None:
    outside: list[str] = []
    ctx, page = _open(browser, ui_url, outside)
    bot = _ask(page, SALARY_Q)
    expect(bot).to_contain_text("$")
    expect(page.locator("#sources")).to_contain_text("salaries_aijobs_snapshot_2025-01-19.csv")
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
