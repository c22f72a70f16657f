"""The per-question deadline and the circuit breaker, on their own and in the backend against real local servers.

`tests/reliability/test_llm_deadline.py` checks the same guarantees through whole questions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from langchain_core.messages import HumanMessage

from advisor.backends.openai_compat import BackendError, EndpointDown, OpenAICompatBackend
from advisor.backends.resilience import Budget, CircuitBreaker, DeadlinePassed, within
from advisor.config import Settings
from tests.backends.scripted import ScriptedOpenAI
from tests.reliability.faulty_llm import FaultyLLM

HI = [HumanMessage("hi")]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# -- the breaker ---------------------------------------------------------------------------
def test_breaker_opens_after_consecutive_failures_only():
    breaker = CircuitBreaker(failures=2, cooldown=30, clock=Clock())
    breaker.record_failure()
    breaker.record_success()  # not consecutive: the count starts again
    breaker.record_failure()
    assert breaker.state == "closed" and breaker.admit(object())
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.admit(object())


def test_half_open_admits_one_probe_and_its_result_decides():
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=30, clock=clock)
    breaker.record_failure()
    clock.now += 29
    assert not breaker.admit(object())
    clock.now += 1
    probe, other = object(), object()
    assert breaker.admit(probe) and breaker.state == "half-open"
    assert not breaker.admit(other) and breaker.admit(probe)  # the probe's question may make all its calls
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.admit(probe)  # failed probe: open for another cool-down
    clock.now += 30
    assert breaker.admit(other)
    breaker.record_success()
    assert breaker.state == "closed" and breaker.admit(probe)


def test_a_probe_that_never_reports_is_taken_over_after_a_cool_down():
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=5, clock=clock)
    breaker.record_failure()
    clock.now += 5
    assert breaker.admit("lost probe")
    clock.now += 4
    assert not breaker.admit("next")
    clock.now += 1
    assert breaker.admit("next")


def test_only_one_of_many_threads_gets_the_probe():
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=1, clock=clock)
    breaker.record_failure()
    clock.now += 1
    start = threading.Barrier(16)
    admitted: list[bool] = []

    def ask() -> None:
        start.wait()
        admitted.append(breaker.admit(object()))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert admitted.count(True) == 1


# -- the deadline --------------------------------------------------------------------------
def test_within_stops_waiting_at_the_deadline_whatever_the_call_does():
    budget = Budget.start(0.3)
    t0 = time.perf_counter()
    with pytest.raises(DeadlinePassed):
        list(within(lambda: [time.sleep(3)], budget))
    assert time.perf_counter() - t0 < 0.6


def test_within_passes_items_and_errors_through():
    assert list(within(lambda: iter([1, 2, 3]), Budget.start(5))) == [1, 2, 3]
    with pytest.raises(ZeroDivisionError):
        list(within(lambda: [1 / 0], Budget.start(5)))


# -- the backend against real servers ------------------------------------------------------
@pytest.fixture()
def faulty() -> Iterator[FaultyLLM]:
    server = FaultyLLM(mode="silent", reply="Hello there.")
    yield server
    server.close()


def _backend(url: str, **extra: object) -> OpenAICompatBackend:
    return OpenAICompatBackend(Settings(llm_base_url=url, **{"llm_timeout": 1.0, "llm_max_retries": 2,
                                                             "llm_breaker_failures": 2, **extra}))


@pytest.mark.parametrize("mode", ["silent", "headers_then_silence", "trickle"])
@pytest.mark.parametrize("call", ["complete", "stream"])
def test_a_hung_call_and_its_retries_share_one_deadline(faulty: FaultyLLM, mode: str, call: str):
    faulty.mode = mode
    backend = _backend(faulty.base_url)
    t0 = time.perf_counter()
    with pytest.raises(BackendError, match="timed out"):
        backend.complete(HI) if call == "complete" else list(backend.stream(HI))
    assert time.perf_counter() - t0 < 1.0 + 0.9  # the budget, plus a first call's start-up
    assert len(faulty.requests) == 1  # no time was left for a retry


def test_two_calls_of_one_question_share_its_budget(faulty: FaultyLLM):
    backend = _backend(faulty.base_url, llm_breaker_failures=5)
    question = backend.question()
    with pytest.raises(BackendError):
        question.complete(HI)
    t0 = time.perf_counter()
    with pytest.raises(BackendError, match="no time"):
        list(question.stream(HI))
    assert time.perf_counter() - t0 < 0.1 and len(faulty.requests) == 1


def test_fast_failures_are_still_retried_within_the_budget():
    server = ScriptedOpenAI()
    server.mode = "500"
    try:
        backend = _backend(server.base_url, llm_timeout=5.0)
        with pytest.raises(BackendError, match="HTTP 500"):
            backend.complete(HI)
        assert len(server.requests) == 3  # 0.3 s and 0.6 s backoff fit in 5 s
    finally:
        server.close()


def test_open_breaker_is_shared_by_every_thread_and_calls_nothing(faulty: FaultyLLM):
    faulty.mode = "reset"
    backend = _backend(faulty.base_url, llm_breaker_cooldown=30.0)
    for _ in range(2):
        with pytest.raises(BackendError):
            backend.complete(HI)
    calls = len(faulty.requests)
    errors: list[BaseException] = []
    waits: list[float] = []

    def ask() -> None:
        t0 = time.perf_counter()
        try:
            list(backend.stream(HI))
        except BaseException as exc:  # collected below
            errors.append(exc)
        waits.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 8 and all(isinstance(e, EndpointDown) for e in errors)
    assert max(waits) < 0.2
    assert len(faulty.requests) == calls


def test_probe_after_the_cool_down_closes_the_breaker(faulty: FaultyLLM):
    faulty.mode = "reset"
    backend = _backend(faulty.base_url, llm_breaker_cooldown=0.5)
    for _ in range(2):
        with pytest.raises(BackendError):
            backend.complete(HI)
    assert backend.breaker.state == "open"
    faulty.mode = "ok"
    time.sleep(0.6)
    assert backend.complete(HI) == "Hello there."
    assert backend.breaker.state == "closed"
