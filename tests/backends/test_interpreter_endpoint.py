"""The LLM interpreter through the real ChatOpenAI client against a scripted HTTP endpoint: a tool call that fits
the schema is the reading; one that doesn't, an error, a hang or an open circuit breaker give the rules'."""

from __future__ import annotations

import time

from advisor.agent.interpret import Intent, Reader, interpret
from advisor.agent.interpreters import LLMInterpreter, ModelReading, RuleInterpreter
from advisor.backends.openai_compat import OpenAICompatBackend
from advisor.config import Settings
from tests.backends.scripted import ScriptedOpenAI

QUESTION = "what do ml engineers make in deutschland?"


def interpreter(server: ScriptedOpenAI, timeout: float = 5.0) -> LLMInterpreter:
    backend = OpenAICompatBackend(Settings(llm_base_url=server.base_url, llm_model="m", llm_max_retries=0,
                                           llm_breaker_failures=2, llm_breaker_cooldown=60))
    return LLMInterpreter.from_backend(backend, RuleInterpreter(), timeout)


def call(**args: object) -> dict:
    return {"name": ModelReading.__name__, "args": args}


def test_a_valid_tool_call_is_the_reading(scripted_llm: ScriptedOpenAI) -> None:
    scripted_llm.tool_calls = [call(intent="salary", asks=["pay"], role="ML Engineer", countries=["Deutschland"])]
    r = interpreter(scripted_llm).read(QUESTION)
    assert r.read_by is Reader.LLM and r.intent is Intent.SALARY
    assert (r.slots.role, r.slots.countries) == (interpret("ml engineer pay").slots.role, ["Germany"])
    sent = scripted_llm.requests[-1]
    assert [t["function"]["name"] for t in sent["tools"]] == [ModelReading.__name__]
    assert sent["messages"][-1]["content"] == QUESTION


def test_a_value_outside_the_schema_gives_the_rules_reading(scripted_llm: ScriptedOpenAI) -> None:
    scripted_llm.tool_calls = [call(intent="pay", asks=["money"])]
    r = interpreter(scripted_llm).read(QUESTION)
    assert r.read_by is Reader.RULES and r == interpret(QUESTION)


def test_a_failing_endpoint_gives_the_rules_reading_then_is_not_asked(scripted_llm: ScriptedOpenAI) -> None:
    scripted_llm.mode = "500"
    reader = interpreter(scripted_llm)
    assert [reader.read(QUESTION).read_by for _ in range(2)] == [Reader.RULES, Reader.RULES]
    asked = len(scripted_llm.requests)
    assert reader.read(QUESTION).read_by is Reader.RULES
    assert len(scripted_llm.requests) == asked  # the breaker is open: no call, no wait


def test_a_hanging_endpoint_costs_at_most_the_interpreters_deadline(scripted_llm: ScriptedOpenAI) -> None:
    scripted_llm.mode = "hang"
    t0 = time.monotonic()
    r = interpreter(scripted_llm, timeout=1.0).read(QUESTION)
    assert r.read_by is Reader.RULES and time.monotonic() - t0 < 3.0
