"""Every way an OpenAI-compatible endpoint can fail ends in an offline answer with a notice — never a crash."""

import pytest

from advisor import Advisor
from tests.backends.scripted import ScriptedOpenAI, free_port
from tests.figures import survey_median

Q = "What percent of AI engineer postings ask for AI agents?"


def _advisor(base: Advisor, url: str, **extra) -> Advisor:
    return Advisor(base.settings.model_copy(update={
        "llm_base_url": url, "llm_timeout": 1.0, "llm_max_retries": 1, "llm_tool_calling": False,
        "checkpointer": "memory", **extra,
    }))


def test_llm_answer_is_used_and_its_invented_figure_removed(advisor: Advisor, scripted_llm: ScriptedOpenAI):
    scripted_llm.reply = ("AI Agents appear in 47.3% of all postings [1]. "
                          "AI engineers with agent skills earn $999,999 a year on average [1].")
    events = list(_advisor(advisor, scripted_llm.base_url).stream(Q))
    ans = events[-1].answer
    assert ans.backend == "openai" and not ans.refused
    assert "47.3%" in ans.text and "999,999" not in ans.text
    assert ans.support == 0.5
    streamed = "".join(e.delta for e in events if e.delta)
    assert "999,999" not in streamed  # the unsupported sentence was never shown, even while streaming
    assert any(c.source == "003_2a3e108b44c3953e.txt" for c in ans.citations)


@pytest.mark.parametrize("mode", ["500", "429", "garbage", "empty", "hang"])
def test_endpoint_failures_fall_back_offline(advisor: Advisor, scripted_llm: ScriptedOpenAI, mode: str):
    scripted_llm.mode = mode
    ans = _advisor(advisor, scripted_llm.base_url).ask(Q)
    assert ans.backend == "offline" and not ans.refused
    assert "47.3%" in ans.text
    assert any("composed offline" in n for n in ans.notices)
    if mode in ("500", "429"):
        assert len(scripted_llm.requests) == 2  # retried once with backoff, then gave up


def test_unreachable_endpoint_falls_back(advisor: Advisor):
    ans = _advisor(advisor, f"http://127.0.0.1:{free_port()}/v1").ask(Q)
    assert ans.backend == "offline" and "47.3%" in ans.text
    assert any("could not be reached" in n for n in ans.notices)


def test_answer_without_any_supported_claim_falls_back(advisor: Advisor, scripted_llm: ScriptedOpenAI):
    scripted_llm.reply = "Penguins are great at salsa dancing [1]. The moon is made of cheese [2]."
    ans = _advisor(advisor, scripted_llm.base_url).ask(Q)
    assert "Penguins" not in ans.text and "47.3%" in ans.text
    assert any("mostly unsupported" in n for n in ans.notices)
    assert len(ans.removed_claims) == 2


def test_model_without_tool_calls_gets_offline_routing(advisor: Advisor, scripted_llm: ScriptedOpenAI):
    scripted_llm.reply = "AI Agents appear in 47.3% of all postings [1]."
    ans = _advisor(advisor, scripted_llm.base_url, llm_tool_calling=True).ask(Q)
    assert not ans.refused and "47.3%" in ans.text
    offered = {t["function"]["name"] for t in scripted_llm.requests[0]["tools"]}
    assert offered == {"search_corpus", "salary_lookup", "posting_stats", "posting_conditions", "rank_roles",
                       "company_pay", "count_postings", "rank_skills_by_pay", "remote_share_by_year", "pay_by_year",
                       "rank_countries_by_pay", "compare_role_skills", "find_postings"}


def test_model_chooses_tools_in_a_loop(advisor: Advisor, scripted_llm: ScriptedOpenAI):
    scripted_llm.tool_calls = [
        {"name": "salary_lookup", "args": {"role": "AI engineer", "country": "Germany"}},
        {"name": "search_corpus", "args": {"query": "AI engineer salary Germany"}},
    ]
    median = survey_median(job_title="AI Engineer", company_location="DE")
    scripted_llm.reply = f"AI Engineers in Germany reported a median salary of {median} [1]."
    ans = _advisor(advisor, scripted_llm.base_url, llm_tool_calling=True).ask("What do AI engineers earn in Germany?")
    assert ans.backend == "openai" and median in ans.text, (ans.text, ans.notices, median)
    assert ans.citations[0].source == "salaries_aijobs_snapshot_2025-01-19.csv"
    assert "company_location='DE'" in ans.citations[0].locator
    tool_turns = [r for r in scripted_llm.requests if r.get("tools")]
    assert len(tool_turns) == 3  # two tool calls, then the model's turn without one ends the loop
    assert any(m.get("role") == "tool" for m in tool_turns[-1]["messages"])


def test_tool_loop_stops_at_the_step_limit(advisor: Advisor, scripted_llm: ScriptedOpenAI):
    scripted_llm.tool_calls = [{"name": "search_corpus", "args": {"query": f"q{i}"}} for i in range(10)]
    scripted_llm.reply = "AI Agents appear in 47.3% of all postings [1]."
    ans = _advisor(advisor, scripted_llm.base_url, llm_tool_calling=True, llm_max_steps=3).ask(Q)
    assert len([r for r in scripted_llm.requests if r.get("tools")]) == 3
    assert not ans.refused


async def _aask(adv: Advisor, q: str):
    return await adv.aask(q)


def test_async_variant(advisor: Advisor):
    import asyncio

    ans = asyncio.run(_aask(advisor, Q))
    assert "47.3%" in ans.text
