"""Any OpenAI-compatible endpoint, through langchain-openai's ChatOpenAI.

Failures (refused connection, timeout, 5xx, rate limit, malformed output) are
retried with exponential backoff by tenacity and then raised as
`BackendError`, which the graph turns into an offline answer with a notice.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from advisor.config import Settings

try:  # the HTTP library openai's client is built on (its own httpx fork since openai 3)
    import httpx2 as _http
except ImportError:  # pragma: no cover - older openai releases use httpx itself
    import httpx as _http  # type: ignore[no-redef]


class BackendError(Exception):
    """The LLM endpoint could not give a usable answer; the message says why."""


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
    """A response body that must deliver content at least every `idle` seconds.

    httpx's read timeout restarts on every byte, so a server (or proxy) that
    sends SSE keep-alive comments and never an answer would hold a question
    forever. Here only content resets the clock; after `idle` seconds of
    comments alone the read fails like a timeout, and the graph answers offline.
    """

    def __init__(self, inner: _http.SyncByteStream, idle: float, request: _http.Request) -> None:
        self._inner = inner
        self._idle = idle
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        last = time.monotonic()
        for chunk in self._inner:
            now = time.monotonic()
            if _carries_content(chunk):
                last = now
            elif now - last > self._idle:
                raise _http.ReadTimeout(f"no content from the LLM endpoint for {self._idle:g} s",
                                        request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _ContentDeadlineTransport(_http.HTTPTransport):
    def __init__(self, idle: float) -> None:
        super().__init__()
        self._idle = idle

    def handle_request(self, request: _http.Request) -> _http.Response:
        response = super().handle_request(request)
        assert isinstance(response.stream, _http.SyncByteStream)
        return _http.Response(status_code=response.status_code, headers=response.headers,
                              stream=_ContentDeadline(response.stream, self._idle, request),
                              extensions=response.extensions)


class OpenAICompatBackend:
    name = "openai"

    def __init__(self, settings: Settings) -> None:
        import openai
        from langchain_openai import ChatOpenAI

        self.settings = settings
        self.chat = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # local servers accept any key
            timeout=settings.llm_timeout,
            max_retries=0,  # tenacity does the retrying, so the wait is bounded and visible
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            # langchain-openai sends the limit as `max_completion_tokens`, which OpenAI-compatible servers such as
            # llama.cpp ignore: a small model then generates until its context is full. Send both names there.
            extra_body=None if "api.openai.com" in (settings.llm_base_url or "") else {
                "max_tokens": settings.llm_max_tokens},
            http_client=openai.DefaultHttpxClient(transport=_ContentDeadlineTransport(settings.llm_timeout)),
        )

    def _retry(self):  # type: ignore[no-untyped-def]
        return retry(
            retry=retry_if_exception_type(_retryable()),
            stop=stop_after_attempt(self.settings.llm_max_retries + 1),
            wait=wait_exponential(multiplier=0.3, max=4),
            reraise=True,
        )

    def complete(self, messages: list[Any]) -> str:
        @self._retry()
        def call() -> str:
            msg = self.chat.invoke(messages)
            text = msg.content if isinstance(msg.content, str) else ""
            if not text.strip():
                raise _MalformedOutput("empty completion")
            return text

        try:
            return call()
        except Exception as exc:  # every failure becomes one readable error
            raise BackendError(_describe(exc)) from exc

    def stream(self, messages: list[Any]) -> Iterator[str]:
        """Yield text deltas; a failure before the first token is retried, after it raises."""
        started = False
        try:
            for attempt in range(self.settings.llm_max_retries + 1):
                try:
                    for chunk in self.chat.stream(messages):
                        piece = chunk.content if isinstance(chunk.content, str) else ""
                        if piece:
                            started = True
                            yield piece
                    if not started:
                        raise _MalformedOutput("empty completion")
                    return
                except _retryable():
                    if started or attempt == self.settings.llm_max_retries:
                        raise
        except Exception as exc:
            raise BackendError(_describe(exc)) from exc

    def with_tools(self, tools: list[Any]) -> Any:
        return self.chat.bind_tools(tools)

    def invoke_with_retry(self, runnable: Any, messages: list[Any]) -> Any:
        @self._retry()
        def call() -> Any:
            return runnable.invoke(messages)

        try:
            return call()
        except Exception as exc:
            raise BackendError(_describe(exc)) from exc


def _describe(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError | _http.TimeoutException):
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
