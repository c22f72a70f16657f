"""The Gradio chat page: streamed, cited answers with a sources panel and charts.

`build_app(advisor)` lays the page out and wires it to an `Advisor`;
`launch(settings)` starts it (127.0.0.1 by default, optional basic auth).
Each browser session gets its own conversation thread id in `gr.State`, so
two people on one server never see each other's history. Everything the page
shows about an answer is rendered by the pure helpers in `ui.render` and
`ui.charts`; this module only moves data between the advisor and the page.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from advisor import threads
from advisor.api import Advisor
from advisor.config import Settings
from advisor.types import Answer
from ui.charts import build_figure
from ui.json_api import ask_route
from ui.render import (
    EMPTY_SOURCES,
    chat_markdown,
    check_question,
    counter_html,
    normalise_history,
    notice_html,
    progress_html,
    sources_panel,
    status_html,
)
from ui.security import LoginThrottle, login_throttle_middleware

log = logging.getLogger(__name__)
# Runs in the page: [n] chips that open source n, the character counter (see the file's comments).
PAGE_JS = (Path(__file__).parent / "page.js").read_text(encoding="utf-8")
# The offline composer produces a whole answer in milliseconds; sentences are shown one by one so the page reads
# like a stream (and a slow LLM's sentences arrive at their own pace anyway).
STREAM_PACING_S = 0.04
STOPPED_NOTICE = notice_html("Stopped: the answer above is cut short. Press Retry under it for the whole answer.",
                             "info")

TITLE = "AI Career Advisor"
EXAMPLES = [
    "What percent of AI engineer postings ask for AI agents?",
    "What do AI engineers earn in Germany compared with the UK?",
    "Which skills do machine learning engineer postings ask for most?",
    "I'm a sysadmin — how do I get into AI engineering?",
]
PLACEHOLDER = "Ask about AI engineering careers — skills, salaries, how to get in…"

HEADER = f"""
<div id="adv-header">
  <div class="adv-logo" aria-hidden="true">✦</div>
  <div>
    <h1>{TITLE}</h1>
    <p>Career answers about AI engineering, quoted from articles, 2023 job postings, a salary survey and BLS
    tables. Tap any <b>[n]</b> in an answer to see the passage or rows behind it. Runs fully offline.</p>
  </div>
</div>
"""

CSS = """
.gradio-container { max-width: 1320px !important; margin: 0 auto !important; }
#adv-header { display: flex; gap: 14px; align-items: center; padding: 6px 2px 2px; }
#adv-header h1 { font-size: 1.55rem; margin: 0; font-weight: 700; letter-spacing: -0.01em; }
#adv-header p { margin: 2px 0 0; color: var(--body-text-color-subdued); font-size: 0.92rem; max-width: 900px; }
.adv-logo { width: 42px; height: 42px; border-radius: 12px; display: grid; place-items: center; font-size: 22px;
  color: white; background: linear-gradient(135deg, #6366f1, #8b5cf6); flex: none; }
#status { min-height: 2.6rem; }  /* reserved: notes come and go without moving the chat */
#status .adv-notice { max-height: 7.5rem; overflow-y: auto; }
.adv-notice { padding: 8px 12px; border-radius: 10px; margin: 4px 0; font-size: 0.9rem; line-height: 1.45; }
.adv-notice ul { margin: 4px 0 0 18px; padding: 0; }
.adv-notice summary { cursor: pointer; }
.adv-info { background: #eef2ff; color: #3730a3; border: 1px solid #c7d2fe; }
.adv-warn { background: #fffbeb; color: #92400e; border: 1px solid #fde68a; }
.adv-error { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.adv-ok { background: #f0fdf4; color: #166534; border: 1px solid #bbf7d0; }
.adv-receipt { color: var(--body-text-color-subdued); font-size: 0.78rem; padding: 2px 4px; }
.adv-bar { height: 6px; background: #e0e7ff; border-radius: 3px; margin-top: 6px; overflow: hidden; }
.adv-bar > div { height: 100%; background: #6366f1; border-radius: 3px; transition: width .3s; }
.adv-indeterminate > div { width: 30%; animation: adv-slide 1.4s ease-in-out infinite; }
@keyframes adv-slide { from { margin-left: -30%; } to { margin-left: 100%; } }
.adv-panel-title { font-weight: 650; font-size: 0.95rem; margin: 2px 0 6px; }
.adv-empty { color: var(--body-text-color-subdued); font-size: 0.88rem; padding: 10px 4px; }
.adv-count { font-size: 0.78rem; color: var(--body-text-color-subdued); margin: 0 0 6px 2px; }
.adv-src-list { list-style: none; padding: 0 !important; margin: 0 !important; }
.adv-src { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 9px 11px;
  margin: 0 0 8px !important; background: var(--block-background-fill); }
.adv-src-head { line-height: 1.35; }
.adv-n { font-weight: 700; color: #4f46e5; margin-right: 2px; }
.adv-title { font-weight: 600; }
.adv-meta { font-size: 0.76rem; color: var(--body-text-color-subdued); margin: 3px 0; word-break: break-word; }
.adv-file { font-size: 0.74rem; padding: 0 4px; border-radius: 4px; }
.adv-badge { background: #eef2ff; color: #4338ca; border-radius: 999px; padding: 1px 8px; font-size: 0.7rem;
  font-weight: 600; }
.adv-kind-salary_data, .adv-kind-bls, .adv-kind-posting_stats { background: #ecfdf5; color: #047857; }
.adv-kind-article_figure { background: #fff7ed; color: #c2410c; }
.adv-quote { border-left: 3px solid #a5b4fc; margin: 6px 0 0 !important; padding: 1px 10px !important;
  font-size: 0.84rem; color: var(--body-text-color); }
.adv-context { padding: 4px 2px; }
.adv-quoted { margin: 6px 0; font-size: 0.86rem; }
.adv-passage { white-space: pre-wrap; font-size: 0.88rem; line-height: 1.6; margin-top: 6px; padding: 10px 12px;
  border-radius: 10px; background: var(--background-fill-secondary); }
.adv-src mark, .adv-quoted mark { background: #fde68a; color: #1f2937; padding: 1px 2px; border-radius: 3px; }
#new-chat { max-width: 190px; }
#chatbot .message-row .bot { line-height: 1.6; }
/* citations you can follow (ui/page.js turns "[n]" into these) */
.adv-cite { display: inline-block; border: 1px solid #c7d2fe; background: #eef2ff; color: #4338ca; font-weight: 650;
  font-size: 0.78em; line-height: 1.3; padding: 0 5px; margin: 0 1px; border-radius: 6px; cursor: pointer;
  vertical-align: baseline; }
.adv-cite:hover, .adv-cite:focus-visible { background: #4f46e5; color: white; }
.adv-src { scroll-margin-top: 12px; }
.adv-src.adv-flash { border-color: #6366f1; box-shadow: 0 0 0 3px #c7d2fe; background: #f5f7ff; }
.adv-src-head { cursor: pointer; }
.adv-rows { font-size: 0.86rem; margin-top: 4px; }
.adv-ctx { margin-top: 6px; font-size: 0.84rem; }
.adv-ctx summary { cursor: pointer; color: #4f46e5; font-weight: 600; }
.adv-details { font-size: 0.74rem; color: var(--body-text-color-subdued); margin-top: 6px; overflow-wrap: anywhere;
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
#adv-counter { font-variant-numeric: tabular-nums; }
/* the postings an answer cites: the table scrolls inside its own box, never the page (390 px phones) */
/* contain: the table's width must not widen the panel (flex parents size to their content's min width) */
.adv-postings { margin-bottom: 10px; max-width: 100%; min-width: 0; contain: inline-size; }
.adv-table-scroll { max-width: 100%; overflow-x: auto; -webkit-overflow-scrolling: touch; }
.adv-posting-table { border-collapse: collapse; font-size: 0.8rem; min-width: 560px; width: 100%; }
.adv-posting-table th, .adv-posting-table td { text-align: left; vertical-align: top; padding: 3px 6px;
  border-bottom: 1px solid var(--border-color-primary); overflow-wrap: anywhere; }
.adv-posting-table th { font-weight: 650; white-space: nowrap; }
#adv-counter.adv-over { color: #b91c1c; font-weight: 650; }
#chart img { max-width: 100%; height: auto; }
#chatbot .message { overflow-wrap: anywhere; }
#chatbot pre, #chatbot code { white-space: pre-wrap; word-break: break-word; }
#question button { white-space: nowrap; min-width: max-content; }
/* Stop only while an answer is being written (Gradio shows it always) */
#question .stop-button { display: none !important; }
body:has(#chatbot > [data-testid=status-tracker]:not(.hide)) #question .stop-button { display: flex !important; }
@media (min-width: 1024px) { #sources { max-height: 760px; overflow-y: auto; } }
@media (max-width: 700px) {
  .gradio-container { padding: 0 !important; }
  #adv-header h1 { font-size: 1.2rem; }
  #adv-header p { font-size: 0.84rem; }
  .adv-logo { width: 34px; height: 34px; font-size: 18px; }
  #chatbot { height: 62vh !important; }
  /* one column: the answer, the input, then the sources right below (a tapped [n] scrolls there) */
  #adv-main { flex-direction: column !important; flex-wrap: nowrap !important; }
  #adv-main > .adv-col { min-width: 0 !important; width: 100% !important; flex: none !important; }
  #adv-tools { flex-wrap: wrap !important; }
  #adv-tools > * { min-width: 0 !important; }
}
"""

# Answering shares one queue of `Settings.ui_workers` questions at once (the advisor is thread-safe: one turn
# at a time per conversation, a sentence splitter per call; bench.concurrency checks answers under threads).
ADVISOR_QUEUE = "advisor"
THEME = gr.themes.Soft(
    primary_hue="indigo",
    secondary_hue="violet",
    neutral_hue="slate",
    # Served by Gradio itself: no request ever leaves the machine for a font.
    font=[gr.themes.LocalFont("IBM Plex Sans", weights=(400, 700)), "ui-sans-serif", "system-ui", "sans-serif"],
)


def new_thread_id() -> str:
    """A fresh conversation id in the UI's namespace ("ui:<random>"), so sessions can't guess each other's threads."""
    return threads.new_thread_id("ui")


class AuthSettingsError(ValueError):
    """Basic auth is half configured; the message says which variables to set."""


def basic_auth(settings: Settings) -> tuple[str, str] | None:
    """The (user, password) pair for the login page, None for no login; half a pair is refused, not ignored."""
    if bool(settings.auth_user) != bool(settings.auth_password):
        raise AuthSettingsError("Set both ADVISOR_AUTH_USER and ADVISOR_AUTH_PASSWORD for basic auth, or neither.")
    return (settings.auth_user, settings.auth_password) if settings.auth_user and settings.auth_password else None


# --- first start: index building ---------------------------------------------


# Asked once at server start, with no thread: it loads what every answer needs (MiniLM, the index, the data
# stores, the graph), so the first person's question is no slower than the next one.
WARMUP_QUESTION = "Which skills do machine learning engineer postings ask for most?"
WARMING = "warming"  # BuildState.stage while the warm-up question runs
# How long a question waits for a warm-up in progress before it is answered anyway.
WARMUP_WAIT_S = 120.0


@dataclass(frozen=True)
class BuildState:
    running: bool
    ready: bool
    stage: str = ""
    done: int = 0
    total: int = 0
    error: str | None = None
    elapsed: float | None = None

    @property
    def warming(self) -> bool:
        return self.running and self.stage == WARMING


class IndexBuilder:
    """Builds the index once, in a background thread, so every open page can show its progress.

    Building takes minutes on the full corpus. Running it inside a request
    would freeze the page and, with several tabs open, start it twice.
    """

    def __init__(self, advisor: Advisor, warm: bool = False) -> None:
        self.advisor = advisor
        self._warm_wanted = warm
        self._warmed = threading.Event()
        self.warm_s: float | None = None  # how long the warm-up took, once done
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ready = False
        self._stage, self._done, self._total = "", 0, 0
        self._error: str | None = None
        self._started: float | None = None

    def _check_ready(self) -> bool:
        if not self._ready:
            try:
                self._ready = bool(self.advisor.index.is_ready())
            except Exception:  # an unreadable index counts as missing; ingest reports the real problem
                log.exception("index readiness check failed")
                self._ready = False
        return self._ready

    def start(self) -> bool:
        """Start building (or warming up) unless both are done or running; True when one is (now) running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return True
            if self._check_ready():
                if not self._warm_wanted or self._warmed.is_set():
                    return False
                self._stage = WARMING
                self._thread = threading.Thread(target=self._warm, name="advisor-warmup", daemon=True)
                self._thread.start()
                return True
            self._error = None
            self._started = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="advisor-ingest", daemon=True)
            self._thread.start()
            return True

    def _warm(self) -> None:
        """Answer WARMUP_QUESTION once (no thread, nothing saved) and compile the conversation graph."""
        self._stage = WARMING
        t0 = time.monotonic()
        try:
            self.advisor.ask(WARMUP_QUESTION)
            _ = self.advisor.graph
        except Exception:  # a failed warm-up only means the first question loads what it needs itself
            log.warning("warming up the advisor failed", exc_info=True)
        finally:
            self.warm_s = time.monotonic() - t0
            self._stage = ""
            self._warmed.set()

    def wait_warm(self, timeout: float = WARMUP_WAIT_S) -> None:
        """Block until a warm-up in progress ends: a question must not load the same models beside it."""
        if self._warm_wanted and self.state().warming:
            self._warmed.wait(timeout)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self._stage, self._done, self._total = stage, done, total

    def _run(self) -> None:
        try:
            self.advisor.ingest(progress=self._progress)
            self._ready = self._check_ready()
        except Exception as exc:
            log.exception("building the index failed")
            self._error = str(exc) or exc.__class__.__name__
            return
        if self._warm_wanted:
            self._warm()

    def state(self) -> BuildState:
        running = self._thread is not None and self._thread.is_alive()
        ready = False if running else self._check_ready()
        elapsed = time.monotonic() - self._started if self._started is not None else None
        return BuildState(running, ready, self._stage, self._done, self._total, self._error, elapsed)


# --- handlers ------------------------------------------------------------------


@dataclass
class _Outputs:
    """The components every answer updates, in the order the handlers return them."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    status: gr.HTML
    sources: gr.HTML
    chart: gr.Plot
    thread: gr.State

    def as_list(self) -> list[Any]:
        return [self.chatbot, self.question, self.status, self.sources, self.chart, self.thread]


def _snapshot(msgs: list[dict[str, str]]) -> list[dict[str, str]]:
    """A copy per yield: the handler keeps editing its list while Gradio may still be sending the last one."""
    return [{**m, "content": chat_markdown(m["content"])} for m in msgs]  # escaped: no message can inject HTML


def _skip(n: int) -> tuple[Any, ...]:
    return tuple(gr.skip() for _ in range(n))


def _status(answer: Answer) -> str:
    """The banner for a finished answer.

    Input the guard turned away ("????", emoji only, binary, another script) comes back as intent "empty" with
    the guard's reason as the reply; the banner repeats that reason so that bubble and banner never disagree.
    """
    if answer.refused and answer.intent == "empty" and answer.text.strip():
        return notice_html(html.escape(answer.text), "warn")
    return status_html(answer)


def _answer_panels(answer: Answer) -> tuple[Any, ...]:
    """Status, sources (each card opens onto its passage or rows) and chart for a finished answer."""
    fig = build_figure(answer.charts)
    return (_status(answer), sources_panel(answer.citations), gr.update(value=fig, visible=fig is not None))


def _not_ready_message(state: BuildState) -> str | None:
    if state.error:
        return notice_html(
            f"Building the knowledge base failed: {html.escape(state.error)}. "
            "Run <code>advisor ingest --rebuild</code> and restart the server.",
            "error",
        )
    if state.running:
        return progress_html(state.stage, state.done, state.total, state.elapsed) + notice_html(
            "Your question was not sent yet — please ask again when the knowledge base is ready.", "warn"
        )
    return None


class ChatHandlers:
    """The page's event handlers, kept apart from the layout so tests can drive them without a browser."""

    def __init__(self, advisor: Advisor, builder: IndexBuilder | None = None) -> None:
        self.advisor = advisor
        self.settings = advisor.settings
        self.builder = builder or IndexBuilder(advisor)
        self._stops: set[str] = set()  # conversations whose running answer should end (Stop pressed)
        self._stops_lock = threading.Lock()
        # The JSON API answers outside Gradio's queue (no event stream for a script to read), so it is bounded
        # here: at most `ui_workers` of its questions are answered at once, the rest wait their turn.
        self._api_slots = threading.BoundedSemaphore(self.settings.ui_workers)

    def respond(self, message: str, history: list[Any] | None, thread_id: str | None) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat, then fill the sources, context and chart panels."""
        problem = check_question(message, self.settings.max_question_chars)
        if problem:
            level = "info" if not (message or "").strip() else "warn"
            yield (gr.skip(), gr.skip(), notice_html(problem, level), *_skip(3))
            return
        self.builder.wait_warm()
        waiting = _not_ready_message(self.builder.state())
        if waiting:
            yield (gr.skip(), gr.skip(), waiting, *_skip(3))
            return
        try:
            thread_id = threads.scoped_thread_id("ui", thread_id)
        except threads.ThreadIdError as exc:  # the page's own state holds ids we made; say so rather than crash
            yield (gr.skip(), gr.skip(), notice_html(html.escape(str(exc)), "error"), *_skip(3))
            return
        self._stop_asked(thread_id)  # a Stop pressed after the last answer ended is not for this one
        msgs = normalise_history(history)
        msgs.append({"role": "user", "content": message.strip()})
        # The panels describe the latest answer, so they empty out while the new one is written.
        yield (
            _snapshot(msgs),
            "",
            notice_html("Looking through the sources…", "info"),
            EMPTY_SOURCES,
            gr.update(value=None, visible=False),
            thread_id,
        )

        text, answer = "", None
        try:
            for event in self.advisor.stream(message, thread_id=thread_id):
                if self._stop_asked(thread_id):  # Stop: what is on screen stays, marked as cut short
                    yield (_snapshot(msgs), gr.skip(), STOPPED_NOTICE, *_skip(3))
                    return
                if event.reset:  # the model's draft failed the grounding check: the offline answer follows
                    text = ""
                if event.delta:
                    text += event.delta
                    if msgs[-1]["role"] != "assistant":
                        msgs.append({"role": "assistant", "content": ""})
                    msgs[-1]["content"] = text
                    yield (_snapshot(msgs), *_skip(5))
                    time.sleep(STREAM_PACING_S)
                if event.answer is not None:
                    answer = event.answer
        except Exception as exc:  # the page must say what happened, never hang or show a traceback
            log.exception("answering failed")
            if msgs[-1]["role"] != "assistant":
                msgs.append({"role": "assistant", "content": ""})
            msgs[-1]["content"] = text or "Sorry — I couldn't answer that because of an internal error."
            status = notice_html(
                f"The advisor hit an error while answering ({exc.__class__.__name__}: "
                f"{str(exc)[:300]}). Please try again.",
                "error",
            )
            yield (_snapshot(msgs), gr.skip(), status, *_skip(3))
            return
        if answer is None:
            yield (
                _snapshot(msgs),
                gr.skip(),
                notice_html("The advisor returned no answer. Please try again.", "error"),
                *_skip(3),
            )
            return
        if msgs[-1]["role"] != "assistant":
            msgs.append({"role": "assistant", "content": ""})
        msgs[-1]["content"] = answer.text or text
        yield (_snapshot(msgs), gr.skip(), *_answer_panels(answer), thread_id)

    def retry(self, history: list[Any] | None, thread_id: str | None, evt: gr.RetryData) -> Iterator[tuple[Any, ...]]:
        """The chat's retry button: ask the retried message's question again, in place of its old answer."""
        msgs = normalise_history(history)
        last = min(evt.index if isinstance(evt.index, int) else len(msgs) - 1, len(msgs) - 1)
        asked = [i for i in range(last + 1) if msgs[i]["role"] == "user"]
        if not asked:
            yield (gr.skip(), gr.skip(), notice_html("There is no question to ask again.", "info"), *_skip(3))
            return
        yield from self.respond(msgs[asked[-1]]["content"], msgs[: asked[-1]], thread_id)

    def reset(self) -> tuple[Any, ...]:
        """A new conversation: new thread id, so the advisor's memory starts empty too."""
        return (
            [],
            "",
            "",
            EMPTY_SOURCES,
            gr.update(value=None, visible=False),
            new_thread_id(),
        )

    def prepare(self) -> Iterator[tuple[Any, ...]]:
        """On page load: build the index if needed, showing progress instead of a frozen page."""
        self.builder.start()
        state = self.builder.state()
        waited = state.running
        while state.running:
            if state.warming:
                banner = notice_html("Warming up the advisor (loading the model and the index)…", "info")
                hint = "Warming up — ready in a few seconds…"
            else:
                banner = progress_html(state.stage, state.done, state.total, state.elapsed)
                hint = "Preparing the knowledge base…"
            yield (banner, gr.update(interactive=False, placeholder=hint))
            time.sleep(0.5)
            state = self.builder.state()
        if state.error or not state.ready:
            yield (
                _not_ready_message(state) or notice_html("The knowledge base is not ready.", "error"),
                gr.update(interactive=True),
            )
            return
        built = f"The knowledge base is ready ({state.elapsed:.0f} s). " if state.elapsed is not None else ""
        done = notice_html(f"{built or 'Ready. '}Ask away.", "ok") if waited else ""
        yield (done, gr.update(interactive=True, placeholder=PLACEHOLDER))

    def stop(self, thread_id: str | None) -> Any:
        """Stop pressed: the answer being written in this conversation ends after the sentence on screen."""
        try:
            key = threads.scoped_thread_id("ui", thread_id)
        except threads.ThreadIdError:
            return gr.skip()
        with self._stops_lock:
            self._stops.add(key)
        return STOPPED_NOTICE

    def _stop_asked(self, thread_id: str) -> bool:
        with self._stops_lock:
            asked = thread_id in self._stops
            self._stops.discard(thread_id)
        return asked

    @staticmethod
    def pick_example(evt: gr.SelectData) -> str:
        value = evt.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value)

    def ask_api(self, question: str, thread_id: str = "") -> dict[str, Any]:
        """JSON API ("/ask"): one cited answer as the CLI's `--json` fields plus `charts` and `thread_id`.

        Scripts want a plain object, not the chat page's tuple of component
        updates, so this endpoint exists beside the streaming "/chat" one.
        """
        status, data = self.answer_json(question, thread_id)
        if status != 200:
            raise gr.Error(data["error"])
        return data

    def answer_json(self, question: str, thread_id: str = "") -> tuple[int, dict[str, Any]]:
        """(HTTP status, body) of one API question: 200 and the answer; 400 and the reason for an unusable
        question; 503 while the knowledge base is not ready. Shared by Gradio's "/ask" and the plain POST
        /api/ask (`ui.json_api`)."""
        problem = check_question(question, self.settings.max_question_chars)
        if problem:
            return 400, {"error": problem}
        self.builder.wait_warm()
        state = self.builder.state()
        if state.running or state.error:
            return 503, {"error": "The knowledge base is not ready yet; try again shortly."}
        try:
            # A client's id is put under "ui:": it can't name a Slack or CLI conversation, whatever it sends.
            thread_id = threads.scoped_thread_id("ui", thread_id)
        except threads.ThreadIdError as exc:
            return 200, _bad_thread_answer(str(exc))
        with self._api_slots:
            answer = self.advisor.ask(question, thread_id=thread_id)
        data = answer.to_dict()
        data["thread_id"] = thread_id  # pass it back to ask a follow-up in the same conversation
        return 200, data


def _bad_thread_answer(reason: str) -> dict[str, Any]:
    """The /ask reply for an unusable thread id: the answer's usual fields, refused, with the reason to read."""
    data = Answer(text=reason, refused=True, intent="error").to_dict()
    data["error"] = "invalid_thread_id"
    data["thread_id"] = None
    return data


def build_app(advisor: Advisor, builder: IndexBuilder | None = None, handlers: ChatHandlers | None = None
              ) -> gr.Blocks:
    """Lay out the chat page and wire it to `advisor` (theme and CSS are applied by `launch`)."""
    settings = advisor.settings
    h = handlers or ChatHandlers(advisor, builder)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        thread = gr.State("")
        gr.HTML(HEADER)
        with gr.Row(equal_height=False, elem_id="adv-main"):
            with gr.Column(scale=7, min_width=420, elem_classes=["adv-col"]):
                chatbot = gr.Chatbot(
                    elem_id="chatbot",
                    show_label=False,
                    height=560,
                    placeholder=(
                        "<div style='text-align:center'><h3 style='margin-bottom:4px'>Ask about a career in AI "
                        "engineering</h3><p style='opacity:.7'>Skills employers ask for, salaries by country, "
                        "how to switch in. Pick an example or type your own.</p></div>"
                    ),
                    examples=[{"text": q} for q in EXAMPLES],
                    feedback_options=None,
                    buttons=["copy"],
                    autoscroll=True,
                )
                question = gr.Textbox(
                    elem_id="question",
                    show_label=False,
                    placeholder=PLACEHOLDER,
                    lines=1,
                    max_lines=6,
                    autofocus=True,
                    submit_btn="Ask",
                    stop_btn="Stop",
                )
                # below the input, with room reserved (CSS): notes appear without moving the conversation
                status = gr.HTML("", elem_id="status")
                with gr.Row(elem_id="adv-tools"):
                    new_chat = gr.Button("+ New conversation", elem_id="new-chat", size="sm", variant="secondary")
                    gr.HTML(counter_html(settings.max_question_chars))
                chart = gr.Plot(elem_id="chart", show_label=False, visible=False, format="png")
            with gr.Column(scale=5, min_width=340, elem_classes=["adv-col"]):
                gr.HTML('<div class="adv-panel-title">Sources</div>')
                sources = gr.HTML(EMPTY_SOURCES, elem_id="sources", js_on_load=None)

        # Cheap handlers that must never wait behind an answer (or behind another tab's index-build poll).
        free: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden", "concurrency_limit": None}
        out = _Outputs(chatbot, question, status, sources, chart, thread)
        inputs = [question, chatbot, thread]
        # The submit event is the streaming API too ("/chat"); gr.State stays hidden from API clients.
        queue: dict[str, Any] = {"concurrency_id": ADVISOR_QUEUE, "concurrency_limit": advisor.settings.ui_workers}
        question.submit(h.respond, inputs, out.as_list(), api_name="chat", show_progress="minimal", **queue)
        chatbot.example_select(h.pick_example, None, question, api_visibility="private").then(
            h.respond,
            inputs,
            out.as_list(),
            api_visibility="private",
            show_progress="minimal",
            **queue,
        )
        chatbot.retry(
            h.retry,
            [chatbot, thread],
            out.as_list(),
            api_visibility="private",
            show_progress="minimal",
            **queue,
        )
        # Stop ends the answer being written (whichever way it was asked) after the sentence on screen: the answer
        # loop sees the request and finishes cleanly, so what was shown stays, marked as cut (a hard cancel of the
        # running event could leave the chat in Gradio's error state)
        question.stop(h.stop, thread, status, **free)
        # The chatbot's own trash button must also forget the thread, or follow-ups would use the old context.
        chatbot.clear(h.reset, None, out.as_list(), **free)
        new_chat.click(h.reset, None, out.as_list(), **free)
        demo.load(new_thread_id, None, thread, **free)
        demo.load(h.prepare, None, [status, question], **free)
        # A plain request and response (POST /gradio_api/run/ask): a script needs no queue position or event
        # stream; without them bench.load went from 25.4 to 34.6 questions/s. `ask_api` bounds its concurrency.
        gr.api(h.ask_api, api_name="ask", queue=False)
    return demo


def launch(
    settings: Settings | None = None,
    *,
    advisor: Advisor | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
    throttle: LoginThrottle | None = None,
) -> gr.Blocks:
    """Start the web UI on `settings.host:settings.port` (127.0.0.1:7860 unless configured).

    The index build (or, with an index, a warm-up question) starts at once in
    the background, so the first visitor sees its progress and the first
    question is no slower than later ones. Basic auth is on when both `auth_user` and
    `auth_password` are set; a public bind address without auth is logged
    as a warning because the page would be open to the network. Failed
    sign-ins are throttled by `throttle` (default: 5 a minute per client and
    user name, then 5 minutes of refusals).
    """
    settings = settings or (advisor.settings if advisor else Settings())
    auth = basic_auth(settings)  # before anything loads: a half-set login is a one-line error, not a slow start
    advisor = advisor or Advisor(settings)
    if auth is None and settings.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("Serving on %s without authentication; set ADVISOR_AUTH_USER/PASSWORD.", settings.host)
    throttle = throttle or LoginThrottle()
    builder = IndexBuilder(advisor, warm=True)
    builder.start()
    handlers = ChatHandlers(advisor, builder)
    demo = build_app(advisor, builder, handlers)
    demo.queue(default_concurrency_limit=1, status_update_rate=2.0).launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        auth_message=f"AI Career Advisor — sign in. {throttle.policy()}" if auth else None,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        show_error=False,
        theme=THEME,
        css=CSS,
        js=PAGE_JS,
        footer_links=["api"],
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        # failed sign-ins are counted per client address and user name; too many in a minute lock that pair out.
        # POST /api/ask (ui.json_api) is routed before Gradio's own routes: the JSON API without Gradio's
        # per-request page state, behind the same login and throttle
        app_kwargs={"middleware": [login_throttle_middleware(throttle)],
                    "routes": [ask_route(handlers.answer_json, auth, throttle)]},
    )
    return demo
