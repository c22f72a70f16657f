"""The `advisor` command line, run in-process with click's runner on the sliced corpus."""

import json

from click.testing import CliRunner

from advisor import Advisor
from advisor.cli import cli


def _run(advisor: Advisor, *args: str, input: str | None = None):
    s = advisor.settings
    return CliRunner().invoke(cli, ["--data-dir", str(s.data_dir), "--corpus-dir", str(s.corpus_dir), *args],
                              input=input, catch_exceptions=False)


def test_ask_prints_answer_then_numbered_sources(advisor: Advisor):
    result = _run(advisor, "ask", "What percent of AI engineer postings ask for AI agents?")
    assert result.exit_code == 0
    answer, _, sources = result.output.partition("\nSources:\n")
    assert "47.3%" in answer and "[1]" in answer
    assert sources.startswith("[1] ") and "003_2a3e108b44c3953e.txt" in sources


def test_ask_json_is_one_object_with_the_documented_fields(advisor: Advisor):
    result = _run(advisor, "ask", "--json", "What percent of AI engineer postings ask for AI agents?")
    data = json.loads(result.stdout)
    assert set(data) >= {"answer", "citations", "refused", "timings"}
    assert data["refused"] is False and "47.3%" in data["answer"]
    c = data["citations"][0]
    assert set(c) >= {"n", "source", "title", "quote", "score"} and isinstance(c["n"], int)
    assert any(c["source"] == "003_2a3e108b44c3953e.txt" for c in data["citations"])
    assert data["timings"]["total_s"] > 0


def test_ask_bad_input_is_a_message_not_a_traceback(advisor: Advisor):
    result = _run(advisor, "ask", "--json", "   ")
    data = json.loads(result.stdout)
    assert data["refused"] and "empty" in data["answer"]


def test_second_ingest_embeds_nothing(advisor: Advisor):
    result = _run(advisor, "ingest")
    assert result.exit_code == 0
    assert "Embedded 0 texts" in result.stdout and "0 added, 0 changed, 0 removed" in result.stdout


def test_salary_and_skills_commands(advisor: Advisor):
    sal = _run(advisor, "salary", "senior machine learning engineer", "--country", "US", "--json")
    assert sal.exit_code == 0 and json.loads(sal.stdout)["ok"] is True
    bad = _run(advisor, "salary", "underwater basket weaver")
    assert bad.exit_code == 2 and "basket" in bad.output
    sk = _run(advisor, "skills", "data analyst")  # the slice has 300 postings: enough data analysts
    assert sk.exit_code == 0 and "sql" in sk.output


def test_rank_and_conditions_commands(advisor: Advisor):
    ranked = _run(advisor, "rank", "--country", "US", "--json")
    data = json.loads(ranked.stdout)
    assert ranked.exit_code == 0 and data["ok"] is True
    survey = next(s for s in data["sources"] if s["source"] == "survey")
    medians = [r["median"] for r in survey["rows"]]
    assert medians == sorted(medians, reverse=True) and len(medians) == 10
    lowest = _run(advisor, "rank", "--lowest", "--top", "3")
    assert lowest.exit_code == 0 and "lowest median first" in lowest.output
    assert _run(advisor, "rank", "--country", "Atlantis").exit_code == 2
    cond = _run(advisor, "conditions")  # all data jobs in the slice's 300 postings
    assert cond.exit_code == 0 and "were marked remote (work from home)" in cond.output
    assert "300 postings" in cond.output and "n=" not in cond.output
    assert _run(advisor, "conditions", "--level", "senior").exit_code == 2  # a level needs a role


def test_chat_resolves_a_followup(advisor: Advisor):
    turns = "What do AI engineers earn in Germany?\nand in the UK?\n\n"
    result = _run(advisor, "chat", "--thread", "cli-chat", input=turns)
    assert result.exit_code == 0
    assert result.output.count("advisor> ") >= 2
    assert "company_location='GB'" in result.output


def test_cli_threads_live_in_their_own_namespace(advisor: Advisor):
    result = _run(advisor, "ask", "--thread", "shared-1", "What do AI engineers earn in Germany?")
    assert result.exit_code == 0
    assert [m["role"] for m in advisor.history("cli:shared-1")] == ["user", "assistant"]
    assert advisor.history("shared-1") == []  # a bare id never names another surface's conversation
    bad = CliRunner().invoke(cli, ["--data-dir", str(advisor.settings.data_dir), "ask", "--thread",
                                   "slack:T0TEAM:CA:1700000001.000100", "and in the UK?"])
    assert bad.exit_code == 2 and "thread id may contain only" in bad.output


def test_serve_with_half_the_login_is_one_line_and_fails(advisor: Advisor):
    env = {"ADVISOR_AUTH_USER": "me", "ADVISOR_AUTH_PASSWORD": None}
    result = CliRunner().invoke(cli, ["--data-dir", str(advisor.settings.data_dir), "serve"], env=env)
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert lines == ["Error: Set both ADVISOR_AUTH_USER and ADVISOR_AUTH_PASSWORD for basic auth, or neither."]
