"""A LangChain chat model that answers from a queue, for the interpreter's tests (in the manner of simonw/llm's
mock model): each `with_structured_output` call returns what was queued, in order, or raises it."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import RunnableLambda
from pydantic import PrivateAttr


class QueuedChat(BaseChatModel):
    """`enqueue(reply)`: the next structured answer (an object, or an exception to raise); `prompts` holds the
    messages each call received."""

    _replies: list[Any] = PrivateAttr(default_factory=list)
    _prompts: list[list[Any]] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "queued-fake"

    @property
    def prompts(self) -> list[list[Any]]:
        return self._prompts

    def enqueue(self, *replies: Any) -> QueuedChat:
        self._replies.extend(replies)
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=str(self._next(messages))))])

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return RunnableLambda(self._next)

    def _next(self, messages: Any) -> Any:
        self._prompts.append(list(messages))
        reply = self._replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply
