"""Any OpenAI-compatible endpoint, through langchain-openai's ChatOpenAI.

Failures (refused connection, timeout, 5xx, rate limit, malformed output) are
retried with exponential backoff and then raised as `BackendError`, which the
graph turns into an offline answer with a notice. Two guards bound what a
broken endpoint can cost (see `resilience`): all model calls and retries of one
question share one deadline (`llm_timeout`), and a circuit breaker shared by
every question and thread turns questions away at once (`EndpointDown`) after
`llm_breaker_failures` consecutive failures, until a probe after
`llm_breaker_cooldown` seconds finds the endpoint answering again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from advisor.backends.resilience import Budget, CircuitBreaker, DeadlinePassed, within
from advisor.config import Settings

try:  # the HTTP library openai's client is built on (its own httpx fork since openai 3)
    import httpx2 as _http
except ImportError:  # pragma: no cover - older openai releases use httpx itself
    import httpx as _http  # type: ignore[no-redef]

T = TypeVar("T")
ENDPOINT_DOWN_NOTICE = "The language model is not responding; this answer was composed offline."


class BackendError(Exception):
    """The LLM endpoint could not give a usable answer; the message says why."""


class EndpointDown(BackendError):
    """The circuit breaker is open: the endpoint failed repeatedly and was not called for this question."""


def _retryable() -> tuple[type[BaseException], ...]:
    import httpx
    import openai

    return (
        openai.APIConnectionError,
        openai.APITimeoutError,
        openai.RateLimitError,
        openai.InternalServerError,
        httpx.HTTPError,
        _http.HTTPError,
        _MalformedOutput,
    )


class _MalformedOutput(Exception):
    pass


def _carries_content(chunk: bytes) -> bool:
    """False for bytes that are only SSE comments (": keep-alive") or blank lines."""
    return any(line.strip() and not line.startswith(b":") for line in chunk.splitlines())


class _ContentDeadline(_http.SyncByteStream):
    """A response body that must be complete by `deadline` and deliver content, not only keep-alives.

    httpx's read timeout restarts on every byte, so a server (or proxy) that
    sends SSE keep-alive comments and never an answer would hold a question
    forever. Here the request's timeout bounds the whole body: past the
    deadline the next chunk fails like a timeout, and a chunk of comments only
    never buys more time.
    """

    def __init__(self, inner: _http.SyncByteStream, deadline: float, request: _http.Request) -> None:
        self._inner = inner
        self._deadline = deadline
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                what = "content" if _carries_content(chunk) else "nothing but keep-alives"
                raise _http.ReadTimeout(f"the LLM endpoint sent {what} past the request's deadline",
                                        request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _ContentDeadlineTransport(_http.HTTPTransport):
    """Gives each response body a deadline: the request's read timeout, counted from when it was sent."""

    def __init__(self, fallback: float) -> None:
        super().__init__()
        self._fallback = fallback

    def handle_request(self, request: _http.Request) -> _http.Response:
        read = (request.extensions.get("timeout") or {}).get("read") or self._fallback
        deadline = time.monotonic() + float(read)
        response = super().handle_request(request)
        assert isinstance(response.stream, _http.SyncByteStream)
        return _http.Response(status_code=response.status_code, headers=response.headers,
                              stream=_ContentDeadline(response.stream, deadline, request),
                              extensions=response.extensions)


class OpenAICompatBackend:
    """The endpoint, its retries, the per-question deadline and the circuit breaker (one per advisor)."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        import openai
        from langchain_openai import ChatOpenAI

        self.settings = settings
        self.breaker = CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown)
        self.chat = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # local servers accept any key
            timeout=settings.llm_timeout,  # each call passes what is left of its question's budget instead
            max_retries=0,  # retried here, so the wait is bounded by the question's deadline
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            # langchain-openai sends the limit as `max_completion_tokens`, which OpenAI-compatible servers such as
            # llama.cpp ignore: a small model then generates until its context is full. Send both names there.
            extra_body=None if "api.openai.com" in (settings.llm_base_url or "") else {
                "max_tokens": settings.llm_max_tokens},
            http_client=openai.DefaultHttpxClient(transport=_ContentDeadlineTransport(settings.llm_timeout)),
        )

    def budget(self) -> Budget:
        """A new question's deadline: `llm_timeout` from now, for all of its model calls together."""
        return Budget.start(self.settings.llm_timeout)

    def question(self, budget: Budget | None = None) -> QuestionBackend:
        """This backend as one question sees it: every call spends the same budget."""
        return QuestionBackend(self, budget or self.budget())

    # -- calls -------------------------------------------------------------------------
    def complete(self, messages: list[Any], budget: Budget | None = None) -> str:
        budget = budget or self.budget()

        def attempt() -> str:
            msg = self._invoke(self.chat, messages, budget)
            text = msg.content if isinstance(msg.content, str) else ""
            if not text.strip():
                raise _MalformedOutput("empty completion")
            return text

        return self._guarded(budget, lambda: self._with_retries(budget, attempt))

    def invoke_with_retry(self, runnable: Any, messages: list[Any], budget: Budget | None = None) -> Any:
        budget = budget or self.budget()
        return self._guarded(budget, lambda: self._with_retries(budget, lambda: self._invoke(runnable, messages,
                                                                                              budget)))

    def stream(self, messages: list[Any], budget: Budget | None = None) -> Iterator[str]:
        """Yield text deltas; a failure before the first token is retried, after it raises."""
        budget = budget or self.budget()
        self._admit(budget)
        try:
            yield from self._stream_attempts(messages, budget)
        except Exception as exc:  # every failure becomes one readable error
            self.breaker.record_failure()
            raise BackendError(_describe(exc)) from exc
        self.breaker.record_success()

    def with_tools(self, tools: list[Any]) -> Any:
        return self.chat.bind_tools(tools)

    # -- the guards --------------------------------------------------------------------
    def _admit(self, budget: Budget) -> None:
        """Refuse at once when the breaker is open or the question's time is spent (neither is the endpoint's
        answer, so neither counts as a failure)."""
        if not self.breaker.admit(budget):
            raise EndpointDown("the circuit breaker is open after repeated failures")
        if budget.spent():
            raise BackendError("no time was left for the language model")

    def _guarded(self, budget: Budget, call: Callable[[], T]) -> T:
        self._admit(budget)
        try:
            result = call()
        except Exception as exc:
            self.breaker.record_failure()
            raise BackendError(_describe(exc)) from exc
        self.breaker.record_success()
        return result

    def _invoke(self, runnable: Any, messages: list[Any], budget: Budget) -> Any:
        timeout = budget.remaining()  # the request's own timeout, so an abandoned worker ends by the deadline too
        (reply,) = within(lambda: [runnable.invoke(messages, timeout=timeout)], budget)
        return reply

    def _with_retries(self, budget: Budget, attempt: Callable[[], T]) -> T:
        for n in range(self.settings.llm_max_retries + 1):
            try:
                return attempt()
            except _retryable():
                if not self._pause_before_retry(n, budget):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover - the last attempt returns or raises

    def _pause_before_retry(self, failed: int, budget: Budget) -> bool:
        """Exponential backoff (0.3 s, 0.6 s, ... at most 4 s); False when no attempt or no time is left."""
        pause = min(0.3 * 2**failed, 4.0)
        if failed >= self.settings.llm_max_retries or budget.remaining() <= pause:
            return False
        time.sleep(pause)
        return True

    def _stream_attempts(self, messages: list[Any], budget: Budget) -> Iterator[str]:
        started = False
        for n in range(self.settings.llm_max_retries + 1):
            timeout = budget.remaining()
            try:
                for chunk in within(lambda t=timeout: self.chat.stream(messages, timeout=t), budget):
                    piece = chunk.content if isinstance(chunk.content, str) else ""
                    if piece:
                        started = True
                        yield piece
                if not started:
                    raise _MalformedOutput("empty completion")
                return
            except _retryable():
                if started or not self._pause_before_retry(n, budget):
                    raise


class QuestionBackend:
    """One question's view of `OpenAICompatBackend`: the same calls, all spending one `Budget`.

    The agent hands this to the tool-choosing loop and the answer stream, so
    the two model calls of a question (and their retries) share its deadline.
    """

    def __init__(self, backend: OpenAICompatBackend, budget: Budget) -> None:
        self.backend = backend
        self.budget = budget
        self.name = backend.name

    def complete(self, messages: list[Any]) -> str:
        return self.backend.complete(messages, self.budget)

    def stream(self, messages: list[Any]) -> Iterator[str]:
        return self.backend.stream(messages, self.budget)

    def with_tools(self, tools: list[Any]) -> Any:
        return self.backend.with_tools(tools)

    def invoke_with_retry(self, runnable: Any, messages: list[Any]) -> Any:
        return self.backend.invoke_with_retry(runnable, messages, self.budget)


def _describe(exc: BaseException) -> str:
    import openai

    if isinstance(exc, DeadlinePassed | openai.APITimeoutError | _http.TimeoutException):
        return "the LLM endpoint timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "the LLM endpoint could not be reached"
    if isinstance(exc, openai.RateLimitError):
        return "the LLM endpoint is rate-limiting requests"
    if isinstance(exc, openai.APIStatusError):
        return f"the LLM endpoint returned HTTP {exc.status_code}"
    if isinstance(exc, _MalformedOutput):
        return "the LLM endpoint returned an empty or malformed answer"
    return f"the LLM endpoint failed ({type(exc).__name__})"
