"""Any OpenAI-compatible endpoint, through langchain-openai's ChatOpenAI.

Failures (refused connection, timeout, 5xx, rate limit, malformed output) are
retried with exponential backoff by tenacity and then raised as
`BackendError`, which the graph turns into an offline answer with a notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from advisor.config import Settings


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
        _MalformedOutput,
    )


class _MalformedOutput(Exception):
    pass


class OpenAICompatBackend:
    name = "openai"

    def __init__(self, settings: Settings) -> None:
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

    if isinstance(exc, openai.APITimeoutError):
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
