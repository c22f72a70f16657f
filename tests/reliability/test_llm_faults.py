"""An LLM endpoint that hangs, trickles, drops the stream or talks garbage: the offline answer arrives in bounded time.

The endpoint is a real local HTTP server (`faulty_llm.FaultyLLM`), so every
failure is one the OpenAI client really meets on a socket. Tool calling is left
on (the default), so both model calls of a turn (choosing tools, then writing
the answer) meet the fault.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from advisor import Advisor
from advisor.api import StreamEvent
from tests.reliability.faulty_llm import FaultyLLM
from tests.reliability.helpers import run_bounded

Q = "What percent of AI engineer postings ask for AI agents?"
TIMEOUT = 2.0  # llm_timeout for these tests: the budget of a whole turn, all model calls and retries together
ANSWER_BOUND_S = TIMEOUT + 2.0  # the budget, then the offline answer
BOUND_S = 15.0  # past this the test fails instead of hanging the suite


@pytest.fixture()
def faulty() -> Iterator[FaultyLLM]:
    server = FaultyLLM(reply="AI Agents appear in 47.3% of all postings [1].")
    yield server
    server.close()


def _advisor(base: Advisor, url: str) -> Advisor:
    adv = Advisor(base.settings.model_copy(update={
        "llm_base_url": url, "llm_timeout": TIMEOUT, "llm_max_retries": 1, "checkpointer": "memory",
    }))
    adv.graph  # noqa: B018 - build it now: the timings below are the answer's, not the start-up's
    return adv


def _stream_bounded(adv: Advisor, question: str, bound: float = BOUND_S) -> tuple[list[StreamEvent], float]:
    """Run `adv.stream` in a thread and fail (instead of hanging the suite) if it outlives `bound`."""
    return run_bounded(lambda: list(adv.stream(question)), bound)


def _shown(events: list[StreamEvent]) -> str:
    """What a streaming client displays: deltas, with everything before the last `reset` discarded."""
    text = ""
    for e in events:
        if e.reset:
            text = ""
        text += e.delta
    return text.strip()


@pytest.mark.parametrize("mode", [
    "silent",                # accepts, never answers
    "headers_then_silence",  # 200 + SSE headers, then nothing
    "trickle",               # SSE keep-alive comments forever: no single read ever times out
    "drop",                  # the answer starts streaming, then the socket is cut
    "reset",                 # connection reset before any response
    "garbage_sse",           # an event stream of non-JSON
    "wrong_schema",          # valid JSON, not a chat completion
    "binary",                # random bytes labelled as JSON
])
def test_broken_endpoint_gives_the_offline_answer_in_bounded_time(advisor: Advisor, faulty: FaultyLLM, mode: str):
    faulty.mode = mode
    events, elapsed = _stream_bounded(_advisor(advisor, faulty.base_url), Q)
    answer = events[-1].answer
    assert answer is not None and not answer.refused
    assert answer.backend == "offline" and "47.3%" in answer.text
    assert any("composed offline" in n for n in answer.notices), answer.notices
    assert elapsed < ANSWER_BOUND_S, f"{elapsed:.1f} s with a {TIMEOUT} s budget"
    # A streaming client ends up showing exactly the final answer: text shown before a cut is withdrawn.
    assert _shown(events) == answer.text.strip()
    assert faulty.requests, "the endpoint was never called"


def test_cut_stream_withdraws_what_was_already_shown(advisor: Advisor, faulty: FaultyLLM):
    faulty.mode = "drop"
    events, _ = _stream_bounded(_advisor(advisor, faulty.base_url), Q)
    before_reset = [e.delta for e in events[: next(i for i, e in enumerate(events) if e.reset)]]
    assert "".join(before_reset).strip(), "the model's first sentence was streamed before the cut"
    assert any(e.reset for e in events)
    assert any("unavailable" in n for n in events[-1].answer.notices)


def test_healthy_endpoint_still_answers_through_the_guarded_transport(advisor: Advisor, faulty: FaultyLLM):
    """The content-deadline transport must not slow down or break a good stream."""
    faulty.mode = "ok"
    events, elapsed = _stream_bounded(_advisor(advisor, faulty.base_url), Q)
    answer = events[-1].answer
    assert answer.backend == "openai" and "47.3%" in answer.text
    assert elapsed < 5


def test_endpoint_recovering_after_a_hang_is_used_again(advisor: Advisor, faulty: FaultyLLM):
    """One bad turn does not poison the backend: the next turn uses the model again."""
    adv = _advisor(advisor, faulty.base_url)
    faulty.mode = "trickle"
    first, _ = _stream_bounded(adv, Q)
    assert first[-1].answer.backend == "offline"
    faulty.mode = "ok"
    second, _ = _stream_bounded(adv, Q)
    assert second[-1].answer.backend == "openai"


def test_local_endpoint_is_sent_a_token_limit_it_understands(advisor: Advisor, faulty: FaultyLLM):
    """llama.cpp's server ignores `max_completion_tokens` and would generate until its context is full."""
    faulty.mode = "ok"
    adv = _advisor(advisor, faulty.base_url)
    _stream_bounded(adv, Q)
    assert faulty.requests
    assert all(r.get("max_tokens") == adv.settings.llm_max_tokens for r in faulty.requests)
