"""What keeps a slow or dead LLM endpoint from holding users: a per-question deadline and a circuit breaker.

* `Budget`: one question's deadline. Every model call and retry of the question
  spends the same budget, so a hung endpoint costs one `llm_timeout`, not
  (calls x attempts x timeout).
* `within`: runs a blocking call (or stream) in a worker thread and stops
  waiting at the deadline, whatever the HTTP library's own timeouts do (a read
  timeout restarts on every byte; a stream that trickles never trips it).
* `CircuitBreaker`: remembers, across questions and threads, that the endpoint
  is failing. After N consecutive failures it opens and questions go offline
  without calling the model; after a cool-down one question probes it
  (half-open) and its result closes or reopens the breaker.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

T = TypeVar("T")
BreakerState = Literal["closed", "open", "half-open"]


class DeadlinePassed(TimeoutError):
    """The question's LLM budget ran out before the endpoint answered."""


@dataclass(eq=False)  # identity matters: a budget is the owner of a half-open probe
class Budget:
    deadline: float  # time.monotonic() value

    @classmethod
    def start(cls, seconds: float) -> Budget:
        return cls(time.monotonic() + max(0.0, seconds))

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def spent(self) -> bool:
        return self.remaining() <= 0.0


def within(produce: Callable[[], Iterable[T]], budget: Budget) -> Iterator[T]:
    """The items of `produce()`, pulled in a worker thread, until the budget's deadline.

    At the deadline the consumer raises `DeadlinePassed` and walks away; the
    worker stops at its next item or when its own request times out (the
    caller gives every request at most the remaining budget), so abandoned
    workers are bounded too.
    """
    out: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()
    ctx = contextvars.copy_context()  # tracing callbacks see the question's run
    threading.Thread(target=ctx.run, args=(_pump, produce, out, stop), name="llm-call", daemon=True).start()
    try:
        while True:
            try:
                kind, value = out.get(timeout=budget.remaining())
            except queue.Empty:
                raise DeadlinePassed("the LLM endpoint did not answer within the time allowed") from None
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


def _pump(produce: Callable[[], Iterable[Any]], out: queue.Queue[tuple[str, Any]], stop: threading.Event) -> None:
    iterator: Iterator[Any] | None = None
    try:
        iterator = iter(produce())
        for item in iterator:
            if stop.is_set():
                return
            out.put(("item", item))
        out.put(("done", None))
    except BaseException as exc:  # handed to the consumer, which decides what it means
        out.put(("error", exc))
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            try:
                close()  # releases the HTTP response of an abandoned stream
            except Exception:  # closing a broken stream may fail again; nothing to add
                pass


class CircuitBreaker:
    """Consecutive-failure breaker, thread-safe, with one probe at a time when half-open.

    `admit(owner)` is asked before every model call; `owner` is the question's
    `Budget`, so the question holding the probe may make all of its calls while
    others are turned away. A probe that never reports (its question ended
    without a model call finishing) is taken over by another question after
    another cool-down, so the breaker cannot stick half-open.
    """

    def __init__(self, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = max(1, failures)
        self.cooldown = max(0.0, cooldown)
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probe: object | None = None
        self._probe_at = 0.0

    @property
    def state(self) -> BreakerState:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half-open" if self._probe is not None else "open"

    def admit(self, owner: object) -> bool:
        """Whether `owner` may call the endpoint now (taking the probe when the cool-down is over)."""
        with self._lock:
            if self._opened_at is None or self._probe is owner:
                return True
            since = self._probe_at if self._probe is not None else self._opened_at
            if self._clock() - since < self.cooldown:
                return False
            self._probe, self._probe_at = owner, self._clock()
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._probe = 0, None, None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._opened_at is not None or self._failures >= self.threshold:
                self._opened_at, self._probe = self._clock(), None
