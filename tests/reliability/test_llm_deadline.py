"""A hung LLM endpoint costs one bounded wait per question, and then none while it stays down.

Before: two model calls per question (choosing tools, writing the answer), each
tried three times with the full timeout, so a server that accepts and never
answers held every question for ~6x the timeout (185 s at the documented 30 s),
and nothing remembered that it was down. Now all model calls and retries of one
question share one deadline (`llm_timeout`), and a circuit breaker in the
backend, shared by every question and thread, sends later questions offline at
once until a probe after the cool-down finds the endpoint answering again.

The endpoint is a real local HTTP server (`faulty_llm.FaultyLLM`); the timeout
is 3 s so the suite stays fast.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from advisor import Advisor, Answer
from tests.reliability.faulty_llm import FaultyLLM
from tests.reliability.helpers import run_bounded

Q = "What percent of AI engineer postings ask for AI agents?"
TIMEOUT = 3.0
SLACK = 2.0  # offline composing and grounding after the deadline
OPEN_BOUND = 1.0  # an answer with the breaker open does not touch the endpoint
DOWN_NOTICE = "The language model is not responding; this answer was composed offline."


@pytest.fixture()
def hung() -> Iterator[FaultyLLM]:
    server = FaultyLLM(mode="silent", reply="AI Agents appear in 47.3% of all postings [1].")
    yield server
    server.close()


def _advisor(base: Advisor, url: str, **extra: object) -> Advisor:
    """Tool calling on and the default retries: both model calls of a question meet the fault."""
    adv = Advisor(base.settings.model_copy(update={
        "llm_base_url": url, "llm_timeout": TIMEOUT, "llm_max_retries": 2, "llm_tool_calling": True,
        "llm_breaker_failures": 2, "llm_breaker_cooldown": 30.0, "checkpointer": "memory", **extra}))
    adv.graph  # noqa: B018 - build the graph (embedder, index) before timing anything
    return adv


def _timed_ask(adv: Advisor, question: str = Q, bound: float = 60.0) -> tuple[Answer, float]:
    """Ask in a thread; fail instead of hanging the suite when the answer outlives `bound`."""
    return run_bounded(lambda: adv.ask(question), bound)


def _offline_with_the_facts(answer: Answer) -> None:
    assert answer.backend == "offline" and not answer.refused
    assert "47.3%" in answer.text


def test_hung_endpoint_costs_one_timeout_per_question(advisor: Advisor, hung: FaultyLLM):
    adv = _advisor(advisor, hung.base_url)
    answer, elapsed = _timed_ask(adv)
    print(f"hung endpoint, breaker closed: {elapsed:.2f} s")
    _offline_with_the_facts(answer)
    assert any("composed offline" in n for n in answer.notices), answer.notices
    assert elapsed < TIMEOUT + SLACK, f"{elapsed:.1f} s for one answer with a {TIMEOUT} s timeout"


def test_breaker_opens_and_later_questions_go_offline_at_once(advisor: Advisor, hung: FaultyLLM):
    adv = _advisor(advisor, hung.base_url)
    for _ in range(2):  # two consecutive failed questions open the breaker
        answer, elapsed = _timed_ask(adv)
        assert elapsed < TIMEOUT + SLACK
    calls = len(hung.requests)
    answer, elapsed = _timed_ask(adv)
    print(f"hung endpoint, breaker open: {elapsed:.2f} s")
    _offline_with_the_facts(answer)
    assert DOWN_NOTICE in answer.notices, answer.notices
    assert elapsed < OPEN_BOUND, f"{elapsed:.2f} s with the breaker open"
    assert len(hung.requests) == calls, "an open breaker must not call the endpoint"


def test_open_breaker_is_shared_by_concurrent_questions(advisor: Advisor, hung: FaultyLLM):
    """The UI's other users do not wait behind the dead endpoint: every thread sees the open breaker."""
    hung.mode = "reset"  # fails fast: one question's two calls open the breaker
    adv = _advisor(advisor, hung.base_url)
    _timed_ask(adv)
    hung.mode = "silent"
    calls = len(hung.requests)
    results: list[tuple[Answer, float]] = []
    threads = [threading.Thread(target=lambda: results.append(_timed_ask(adv))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 4
    for answer, elapsed in results:
        _offline_with_the_facts(answer)
        assert DOWN_NOTICE in answer.notices
        assert elapsed < OPEN_BOUND * 4  # four answers composed at once on two shared cores
    assert len(hung.requests) == calls


def test_after_the_cool_down_one_probe_question_finds_the_endpoint_back(advisor: Advisor, hung: FaultyLLM):
    hung.mode = "reset"
    adv = _advisor(advisor, hung.base_url, llm_breaker_cooldown=1.0)
    _timed_ask(adv)
    answer, _ = _timed_ask(adv)
    assert DOWN_NOTICE in answer.notices  # open
    hung.mode = "ok"
    time.sleep(1.1)
    answer, _ = _timed_ask(adv)  # the probe: half-open lets this question try, and it succeeds
    assert answer.backend == "openai" and "47.3%" in answer.text
    answer, _ = _timed_ask(adv)
    assert answer.backend == "openai"  # closed again


def test_a_failed_probe_reopens_and_only_the_probe_waits(advisor: Advisor, hung: FaultyLLM):
    hung.mode = "reset"
    adv = _advisor(advisor, hung.base_url, llm_breaker_cooldown=1.0)
    _timed_ask(adv)
    hung.mode = "silent"
    time.sleep(1.1)
    calls = len(hung.requests)
    results: list[tuple[Answer, float]] = []
    threads = [threading.Thread(target=lambda: results.append(_timed_ask(adv))) for _ in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join(30)
    assert len(results) == 3
    waits = sorted(elapsed for _, elapsed in results)
    assert waits[-1] < TIMEOUT + SLACK + 1  # the probe: one bounded wait
    assert len(hung.requests) == calls + 1, "exactly one question probes the endpoint"
    answer, elapsed = _timed_ask(adv)  # the failed probe opened the breaker again
    assert DOWN_NOTICE in answer.notices and elapsed < OPEN_BOUND
