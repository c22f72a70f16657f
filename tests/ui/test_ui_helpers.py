"""Fast tests of what the chat page shows, without a browser or the real model.

The handlers are driven with a fake advisor so streaming, refusals, errors,
long-input rejection and the first-start index build can be checked in
milliseconds; the pure renderers and the chart builder are checked directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest

pytest.importorskip("gradio", reason="the web UI needs the 'ui' extra (gradio)")
pytest.importorskip("matplotlib", reason="charts need the 'ui' extra (matplotlib)")

import gradio as gr
from matplotlib.figure import Figure

from advisor import Advisor, Settings
from advisor.api import StreamEvent
from advisor.types import Answer, Chart, Citation
from ui.app import WARMUP_QUESTION, AuthSettingsError, ChatHandlers, IndexBuilder, build_app, launch
from ui.charts import build_figure
from ui.render import (
    EMPTY_SOURCES,
    check_question,
    content_text,
    context_body,
    find_quote,
    normalise_history,
    progress_html,
    source_label,
    sources_html,
    status_html,
)

CITE = Citation(
    n=1,
    source="003_2a3e108b44c3953e.txt",
    title="A $62K Gap Has Already Opened Inside the AI Engineer Title",
    quote="AI Agents is now the #3 most demanded AI skill, appearing in 47.3% of all postings (1,967 of 4,155).",
    score=0.9,
    kind="article",
    locator="Key Findings",
    context="Key Findings\n**AI Agents** is now the #3 most demanded AI skill, appearing in **47.3%** of all postings "
    "(1,967 of 4,155). Other text follows.",
)
SALARY_ROWS: list[dict[str, Any]] = [
    {
        "source": "salaries.csv",
        "label": "aijobs.net survey",
        "p25": 84111.0,
        "median": 96888.0,
        "p75": 117666.0,
        "n": 13,
        "year": "2023–2024",
        "kind": "survey",
    },
    {"source": "002.txt", "label": "article 002", "median": 79000.0},  # no p25/p75/n/year keys at all
    {"source": "bls.csv", "label": "BLS", "p25": None, "median": None, "p75": None},  # nothing to draw
    {
        "source": "bls.csv",
        "label": "BLS OEWS",
        "p25": 80000,
        "median": float("nan"),
        "p75": 140000,
        "n": None,
        "employment": 192710,
        "year": "2024",
    },
]
SKILL_ROWS: list[dict[str, Any]] = [
    {"label": "python", "share": 0.71, "count": 710, "n": 1000, "year": "2023"},
    {"skill": "sql", "share": 0.52},  # the older key name, no count
    {"label": "aws", "share": None},  # dropped
]


def _is_skip(value: Any) -> bool:
    return value == {"__type__": "update"}


class FakeIndex:
    def __init__(self, ready: bool) -> None:
        self.ready = ready

    def is_ready(self) -> bool:
        return self.ready


class FakeAdvisor:
    """Stands in for `Advisor`: records questions, streams canned events, builds a pretend index."""

    def __init__(self, events: list[StreamEvent] | None = None, ready: bool = True, fail: Exception | None = None):
        self.settings = Settings(max_question_chars=60)
        self.index = FakeIndex(ready)
        self.events = events or []
        self.fail = fail
        self.calls: list[tuple[Any, str | None]] = []
        self.release = threading.Event()

    def stream(self, question: Any, thread_id: str | None = None) -> Iterator[StreamEvent]:
        self.calls.append((question, thread_id))
        for event in self.events:
            yield event
            if self.fail:
                raise self.fail

    def ask(self, question: Any, thread_id: str | None = None) -> Answer:
        answer = None
        for event in self.stream(question, thread_id):
            answer = event.answer or answer
        assert answer is not None
        return answer

    def ingest(self, progress: Any = None) -> None:
        progress("embedding", 1, 4)
        self.release.wait(5)
        progress("embedding", 4, 4)
        self.index.ready = True


def _handlers(fake: FakeAdvisor) -> ChatHandlers:
    advisor = cast(Advisor, fake)
    return ChatHandlers(advisor, IndexBuilder(advisor))


def _answer(**kw: Any) -> Answer:
    base: dict[str, Any] = {"text": "AI Agents appear in 47.3% of postings. [1]", "citations": [CITE]}
    return Answer(**{**base, **kw})


# --- input -------------------------------------------------------------------


def test_long_input_is_rejected_with_the_limit() -> None:
    assert check_question("What do AI engineers earn?", 60) is None
    msg = check_question("x" * 61, 60)
    assert msg and "61" in msg and "60" in msg and "not sent" in msg
    assert check_question("   ", 60) == "Type a question first."


def test_long_input_is_not_sent_to_the_advisor() -> None:
    fake = FakeAdvisor(events=[StreamEvent(answer=_answer())])
    outs = list(_handlers(fake).respond("y" * 500, [], "t1"))
    assert len(outs) == 1 and fake.calls == []
    chatbot, question, status = outs[0][:3]
    assert _is_skip(chatbot) and _is_skip(question)  # the text stays in the box to be shortened
    assert "limit is 60" in status


def test_history_parts_are_normalised() -> None:
    history = [
        {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Hello"}, {"type": "file", "path": "/x.png"}]},
        {"role": "user", "content": "plain"},
    ]
    assert normalise_history(history) == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
        {"role": "user", "content": "plain"},
    ]
    assert content_text(None) == "" and content_text({"text": 3}) == "3"


# --- handlers ----------------------------------------------------------------


def test_answer_streams_then_fills_sources_and_chart() -> None:
    final = _answer(charts=[Chart("salary_ranges", "Salary ranges — AI engineer, Germany", SALARY_ROWS)])
    events = [
        StreamEvent(delta="AI Agents appear "),
        StreamEvent(delta="in 47.3% of postings. [1]"),
        StreamEvent(answer=final),
    ]
    fake = FakeAdvisor(events=events)
    history = [
        {"role": "user", "content": [{"type": "text", "text": "earlier"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "before"}]},
    ]
    outs = list(_handlers(fake).respond("What about agents?", history, ""))

    assert fake.calls and fake.calls[0][0] == "What about agents?"
    thread = fake.calls[0][1]
    assert thread and thread.startswith("ui:")  # a per-session thread id was made up, in the UI's namespace
    first = outs[0]
    assert first[0][-1] == {"role": "user", "content": "What about agents?"} and first[1] == ""
    streamed = [o[0][-1]["content"] for o in outs[1:-1]]
    assert streamed == ["AI Agents appear ", "AI Agents appear in 47.3% of postings. [1]"]
    msgs, _, status, sources, chart, thread_out = outs[-1]
    assert [m["content"] for m in msgs] == ["earlier", "before", "What about agents?", final.text]
    assert "003_2a3e108b44c3953e.txt" in sources and "Key Findings" in sources
    assert 'id="adv-src-1"' in sources  # where a clicked [1] scrolls to
    assert "<mark>" in sources and "47.3%" in sources  # the card opens onto the quote in its passage
    assert chart["visible"] is True and isinstance(chart["value"], Figure)
    assert thread_out == thread
    assert "1 source" in status


def test_retry_asks_the_same_question_again_in_place_of_its_answer() -> None:
    fake = FakeAdvisor(events=[StreamEvent(delta="new answer"), StreamEvent(answer=_answer(text="new answer"))])
    history = [
        {"role": "user", "content": "first?"},
        {"role": "assistant", "content": "one"},
        {"role": "user", "content": "second?"},
        {"role": "assistant", "content": "two"},
    ]
    *_, last = _handlers(fake).retry(history, "", gr.RetryData(None, {"index": 2, "value": "second?"}))
    assert [q for q, _ in fake.calls] == ["second?"]
    assert [m["content"] for m in last[0]] == ["first?", "one", "second?", "new answer"]
    empty = list(_handlers(fake).retry([], "", gr.RetryData(None, {"index": 0, "value": ""})))
    assert "no question" in empty[-1][2] and len(fake.calls) == 1


def test_answer_without_charts_hides_the_chart() -> None:
    fake = FakeAdvisor(events=[StreamEvent(answer=_answer())])
    *_, last = _handlers(fake).respond("q?", [], "t")
    assert last[4]["visible"] is False and last[4]["value"] is None


def test_refusal_and_backend_notices_are_readable() -> None:
    refused = Answer(text="I'm a career advisor for AI engineering…", refused=True, intent="off_topic")
    html = status_html(refused)
    assert "outside what the advisor covers" in html and "adv-warn" in html
    failing = _answer(notices=["LLM endpoint unreachable; answered offline <b>"])
    html = status_html(failing)
    assert "LLM endpoint unreachable; answered offline &lt;b&gt;" in html
    wordy = _answer(notices=["Some sources have no figures: " + "x" * 300, "BLS covers the US only."])
    html = status_html(wordy)
    assert "<details><summary>Notes on this answer (2)</summary>" in html and "BLS covers the US only." in html
    broken = Answer(text="No index found. Run advisor ingest.", refused=True, intent="error")
    assert "adv-error" in status_html(broken)


def test_a_crash_while_answering_becomes_a_message() -> None:
    fake = FakeAdvisor(events=[StreamEvent(delta="Partial")], fail=RuntimeError("backend down"))
    outs = list(_handlers(fake).respond("q?", [], "t"))
    msgs, _, status = outs[-1][:3]
    assert msgs[-1] == {"role": "assistant", "content": "Partial"}
    assert "RuntimeError: backend down" in status and "adv-error" in status


def test_first_start_builds_the_index_with_progress() -> None:
    fake = FakeAdvisor(events=[StreamEvent(answer=_answer())], ready=False)
    handlers = _handlers(fake)
    updates = handlers.prepare()
    status, box = next(updates)
    assert "Preparing the knowledge base" in status and box["interactive"] is False
    during = list(handlers.respond("What do AI engineers earn?", [], "t"))
    assert fake.calls == [] and "not sent" in during[0][2]
    fake.release.set()
    *_, (status, box) = updates
    assert "knowledge base is ready" in status and box["interactive"] is True and fake.index.ready


class SlowWarmAdvisor(FakeAdvisor):
    """The first question (the warm-up) holds until released, as loading the model does."""

    graph = object()

    def stream(self, question: Any, thread_id: str | None = None) -> Iterator[StreamEvent]:
        if not self.calls:
            self.release.wait(5)
        yield from super().stream(question, thread_id)


def test_server_start_warms_up_and_the_page_says_when_ready() -> None:
    fake = SlowWarmAdvisor(events=[StreamEvent(answer=_answer())])
    builder = IndexBuilder(cast(Advisor, fake), warm=True)
    handlers = ChatHandlers(cast(Advisor, fake), builder)
    assert builder.start() is True and builder.state().warming
    updates = handlers.prepare()
    status, box = next(updates)
    assert "Warming up" in status and box["interactive"] is False
    asked: list[Any] = []
    worker = threading.Thread(target=lambda: asked.extend(handlers.respond("What do AI engineers earn?", [], "")))
    worker.start()
    worker.join(0.3)
    assert worker.is_alive()  # the question waits for the warm-up instead of loading the models beside it
    fake.release.set()
    worker.join(5)
    assert [q for q, _ in fake.calls] == [WARMUP_QUESTION, "What do AI engineers earn?"]
    assert fake.calls[0][1] is None  # one-shot: the warm-up leaves no conversation behind
    *_, (status, box) = updates
    assert "Ready" in status and box["interactive"] is True
    assert builder.start() is False  # warmed once per server


def test_build_progress_banner() -> None:
    html = progress_html("embedding", 256, 562, 12.3)
    assert "embedding 256/562 · 12 s" in html and "width:46%" in html
    assert "adv-indeterminate" in progress_html("", 0, 0, 1.0)  # no count yet: a moving bar, not a frozen one


def test_api_answer_is_plain_json_with_a_thread() -> None:
    fake = FakeAdvisor(events=[StreamEvent(answer=_answer())])
    data = _handlers(fake).ask_api("What percent?")
    assert data["answer"].endswith("[1]") and data["citations"][0]["source"] == CITE.source
    assert data["thread_id"].startswith("ui:")
    again = _handlers(fake).ask_api("What percent?", data["thread_id"])  # the id handed out is taken back as is
    assert again["thread_id"] == data["thread_id"] and fake.calls[-1][1] == data["thread_id"]


def test_api_answers_at_most_ui_workers_questions_at_once() -> None:
    """/ask runs outside Gradio's queue, so its own bound is all that keeps 50 callers from 50 answer threads."""
    fake = FakeAdvisor(events=[StreamEvent(answer=_answer())])
    fake.settings = Settings(max_question_chars=60, ui_workers=2)
    handlers, lock, now, most = _handlers(fake), threading.Lock(), [0], [0]
    real_ask = fake.ask

    def slow_ask(question: Any, thread_id: str | None = None) -> Answer:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.2)
        with lock:
            now[0] -= 1
        return real_ask(question, thread_id)

    fake.ask = slow_ask  # type: ignore[method-assign]
    threads_ = [threading.Thread(target=handlers.ask_api, args=("What percent?",)) for _ in range(6)]
    for t in threads_:
        t.start()
    for t in threads_:
        t.join(10)
    assert most[0] == 2 and len(fake.calls) == 6  # two at a time, every question answered


@pytest.mark.parametrize("bad", ["slack:T0TEAM:CA:1700000001.000100", "cli:chat", "ui:slack:T0:C1:1.2",
                                 "x" * 129, "caf\udce9", "a b", "../../etc"])
def test_api_refuses_thread_ids_outside_its_namespace(bad: str) -> None:
    fake = FakeAdvisor(events=[StreamEvent(answer=_answer())])
    data = _handlers(fake).ask_api("What percent?", bad)
    assert fake.calls == []  # nothing was asked, so no conversation was read or written
    assert data["refused"] and data["error"] == "invalid_thread_id" and data["thread_id"] is None
    assert "thread id" in data["answer"] and bad not in data["answer"]


def test_guard_refusal_banner_repeats_the_reply() -> None:
    reply = "Your message has no words to look up (only symbols, punctuation or emoji)."
    fake = FakeAdvisor(events=[StreamEvent(delta=reply), StreamEvent(answer=Answer(reply, refused=True,
                                                                                   intent="empty"))])
    msgs, _, status = list(_handlers(fake).respond("????", [], "t"))[-1][:3]
    assert msgs[-1]["content"] == reply and reply in status and "could not be read" not in status


def test_page_has_the_documented_ids_and_no_analytics() -> None:
    demo = build_app(cast(Advisor, FakeAdvisor()))
    assert demo.analytics_enabled is False
    ids = {getattr(block, "elem_id", None) for block in demo.blocks.values()}
    assert {"question", "chatbot", "sources", "chart", "status"} <= ids
    assert {"/ask", "/chat"} <= {f"/{d.api_name}" for d in demo.fns.values() if d.api_name}


def test_auth_needs_both_user_and_password() -> None:
    with pytest.raises(AuthSettingsError, match="both"):
        launch(Settings(auth_user="me"), advisor=cast(Advisor, FakeAdvisor()), prevent_thread_lock=True)


# --- sources -----------------------------------------------------------------


def test_sources_panel_lists_title_file_locator_and_quote_escaped() -> None:
    evil = Citation(n=2, source="x.txt", title="<script>alert(1)</script>", quote="a < b", score=0.1)
    html = sources_html([CITE, evil])
    assert "[1]" in html and CITE.source in html and "Key Findings" in html and "1,967 of 4,155" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &lt; b" in html
    assert "2 sources" in html
    assert sources_html([]) == EMPTY_SOURCES
    assert [source_label(c) for c in (CITE, evil)] == [f"[1] {CITE.title}", "[2] <script>alert(1)</script>"]


def test_quote_is_found_in_context_despite_markdown() -> None:
    start, end = find_quote(CITE.context, CITE.quote) or (0, 0)
    assert CITE.context[start:end].startswith("**AI Agents") or CITE.context[start:end].startswith("AI Agents")
    assert CITE.context[start:end].endswith("4,155).")
    html = context_body(CITE)
    assert html.count("<mark>") == 1 and "Other text follows." in html and "Key Findings" in html


def test_context_without_the_quote_shows_it_separately() -> None:
    table = Citation(
        n=3,
        source="003.txt",
        title="T",
        quote="AI Skill: Machine Learning; % of Postings: 58.9%",
        score=0.5,
        context="| Machine Learning | 58.9% | 2,451 |",
    )
    html = context_body(table)
    assert "Quoted: <mark>" in html and "| Machine Learning | 58.9% | 2,451 |" in html


def test_a_data_source_opens_onto_its_rows_and_filter_not_its_sentence() -> None:
    flt = "job_title='AI Engineer', company_location='DE', duplicates=kept"
    survey = Citation(
        n=2,
        source="salaries_aijobs_snapshot_2025-01-19.csv",
        title=f"aijobs.net salary survey — {flt}",
        quote="AI Engineers in Germany reported a median salary of $96,888 … from n=13 self-reported records",
        score=0.0,
        kind="salary_data",
        locator=flt,
        meta={"subject": "AI Engineers in Germany", "n": 13, "year": "2023–2024", "status": "ok",
              "median": 96888.0, "p25": 84111.0, "p75": 117666.0},
    )
    html = sources_html([survey])
    assert "aijobs.net salary survey · AI Engineers in Germany · 2023–2024 · 13 responses" in html
    assert "Median $96,888 a year, middle half $84,111–$117,666, from 13 responses" in html
    assert "Filter: job_title=&#x27;AI Engineer&#x27;, company_location=&#x27;DE&#x27;" in html  # in details
    assert "n=13" not in html and 'id="adv-src-2"' in html


# --- charts ------------------------------------------------------------------


def test_salary_chart_from_rows_with_missing_keys() -> None:
    fig = build_figure(
        [
            Chart("salary_ranges", "Salary ranges — AI engineer, Germany", SALARY_ROWS),
            Chart("salary_ranges", "Salary ranges — AI engineer, United Kingdom", SALARY_ROWS[:1]),
        ]
    )
    assert isinstance(fig, Figure)
    top, bottom = fig.axes[:2]
    labels = [t.get_text().replace("\n", " ") for t in top.get_yticklabels()]
    assert any("13 responses" in lbl and "2023–2024" in lbl for lbl in labels)
    assert not any("n=" in lbl for lbl in labels)
    assert any("employment 192,710" in lbl for lbl in labels)
    assert not any(lbl.startswith("BLS (") or lbl == "BLS" for lbl in labels)  # the row with no figures
    assert top.get_xlim() == bottom.get_xlim()  # countries share one axis so they compare
    texts = [t.get_text() for t in top.texts]
    assert "$97k" in texts and "$79k" in texts
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["25th–75th percentile", "median", "single figure stated by a source"]


def test_salary_chart_legend_lists_only_what_is_drawn_and_titles_wrap() -> None:
    title = "Salary ranges — Senior Machine Learning Engineer, Germany, 2021–2024, survey and 2023 postings"
    fig = build_figure([Chart("salary_ranges", title, SALARY_ROWS[:1])])
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["25th–75th percentile", "median"]
    shown = fig.axes[0].get_title(loc="left")
    assert shown.replace("\n", " ") == title and max(len(line) for line in shown.splitlines()) <= 58


def test_skills_chart_from_rows() -> None:
    fig = build_figure([Chart("skill_shares", "Top skills in machine learning engineer postings", SKILL_ROWS)])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["python", "sql"]
    assert "71.0% (710)" in [t.get_text() for t in ax.texts]
    assert "1,000 postings" in ax.get_xlabel() and "2023" in ax.get_xlabel() and "n=" not in ax.get_xlabel()


def test_no_chart_for_answers_without_numbers() -> None:
    assert build_figure([]) is None
    assert build_figure([Chart("salary_ranges", "empty", [{"label": "x"}])]) is None
    assert build_figure([Chart("skill_shares", "empty", [])]) is None


def test_stop_ends_the_answer_after_the_sentence_on_screen() -> None:
    """Stop pressed while an answer streams: the loop ends cleanly at the next sentence, the text shown stays,
    the note says it is cut short; a Stop pressed after an answer ended does not stop the next one."""
    events = [StreamEvent(delta="First sentence. [1]"), StreamEvent(delta=" Second sentence. [1]"),
              StreamEvent(answer=_answer(text="First sentence. [1] Second sentence. [1]"))]
    handlers = _handlers(FakeAdvisor(events=events))
    thread = "ui:0123456789abcdef0123456789abcdef"
    answering = handlers.respond("What about agents?", [], thread)
    next(answering)  # the question is shown
    shown = next(answering)[0][-1]["content"]
    assert shown == "First sentence. [1]"
    assert "Stopped" in handlers.stop(thread)
    last = list(answering)
    assert len(last) == 1 and last[0][0][-1]["content"] == shown and "Stopped" in last[0][2]
    handlers.stop(thread)  # nothing is running: the next answer is whole
    outs = list(handlers.respond("And skills?", [], thread))
    assert outs[-1][0][-1]["content"] == "First sentence. [1] Second sentence. [1]"
