"""The posting search and the skills gap as each surface shows them: the library, the CLI, the LLM tool, the web
page's table and Slack's list, all on the suite's 300-posting slice."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from advisor import Advisor
from advisor.agent.interpret import Ask, interpret
from advisor.agent.routes import Tool, tools_for
from advisor.cli import cli
from advisor.data.store import parse_skills
from advisor.postings import PostingSearch, hits_in
from advisor.types import InputError

GAP_Q = "I know Python, SQL and Tableau — what should I learn for data engineering jobs?"
DE = ("Data Engineer", "Senior Data Engineer")


def _run(advisor: Advisor, *args: str):  # type: ignore[no-untyped-def]
    s = advisor.settings
    return CliRunner().invoke(cli, ["--data-dir", str(s.data_dir), "--corpus-dir", str(s.corpus_dir), *args])


def test_explicit_arguments_override_what_the_query_says(advisor: Advisor) -> None:
    found = advisor.find_postings("data engineer jobs in Germany", country="US", remote=True)
    assert found.filters == ["Data Engineer or Senior Data Engineer", "in United States", "remote"]
    assert found.hits and all(h.country == "United States" and h.remote for h in found.hits)
    assert found.filter_line().startswith("Job postings from 2023 (")


@pytest.mark.parametrize(("args", "says"), [
    ({"country": "Atlantis"}, "Unknown country 'Atlantis'"),
    ({"limit": 0}, "limit"),
    ({"limit": 51}, "limit"),
    ({"skills": ["pythn"]}, "Close matches: python"),
    ({"level": "wizard"}, "Unknown experience level"),
    ({"role": "astronaut"}, "Unknown role 'astronaut'"),
])
def test_bad_arguments_are_one_clear_message(advisor: Advisor, args: dict, says: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError, match=says):
        advisor.find_postings("data engineer", **args)


def test_a_skills_gap_question_is_read_as_one() -> None:
    vocab = ["python", "sql", "tableau", "spark"]
    r = interpret(GAP_Q, lambda: vocab)
    assert r.asks[0] == Ask.SKILLS_GAP and r.skills_had == ["python", "sql", "tableau"] and r.slots.role
    assert tools_for(r) == [Tool.SKILLS_GAP]
    # the skill asked about is not one the asker has; no skills of their own, no gap (advice as before)
    assert interpret("I know Python — what should I learn next, Spark?", lambda: vocab).skills_had == ["python"]
    assert Ask.SKILLS_GAP not in interpret("What should I learn to become a data engineer?", lambda: vocab).asks


def _role_counts(advisor: Advisor) -> tuple[int, pd.Series]:
    """Postings of the data-engineer classes and how many list each skill, counted from the CSV with pandas."""
    df = pd.read_csv(advisor.settings.postings_csv, dtype=str, keep_default_na=False)
    de = df[df.job_title_short.isin(DE)]
    return len(de), pd.Series([s for v in de.job_skills for s in parse_skills(v)]).value_counts()


def test_the_gap_is_the_roles_most_listed_skills_the_person_lacks(advisor: Advisor) -> None:
    population, counts = _role_counts(advisor)
    gap = advisor.skills_gap(["Python", "sql", "tableau"], "data engineer")
    assert gap.ok and gap.population == population and gap.have == ["python", "sql", "tableau"]
    ranked = sorted(counts.index, key=lambda s: (-counts[s], s))  # the tool breaks ties by name
    expected = [s for s in ranked if s not in gap.have][: len(gap.missing)]
    assert [g.skill for g in gap.missing] == expected
    assert all(g.postings == counts[g.skill] and g.share == counts[g.skill] / population for g in gap.missing)
    assert 2 <= len(gap.examples) <= 3 and all(h.role in DE for h in gap.examples)
    with pytest.raises(InputError, match="Unknown skill"):
        advisor.skills_gap(["pythn"], "data engineer")


def test_the_gap_answer_leads_with_shares_and_counts_and_cites_postings(advisor: Advisor) -> None:
    population, counts = _role_counts(advisor)
    answer = advisor.ask(GAP_Q)
    assert not answer.refused, answer.text
    top = min((s for s in counts.index if s not in ("python", "sql", "tableau")), key=lambda s: (-counts[s], s))
    first = answer.text.split("[1]")[0]
    assert f"{top} in {counts[top] / population:.0%} ({counts[top]:,} of {population:,})" in first, first
    assert "python" not in first.split("didn't name are")[1]
    assert 2 <= sum(c.kind == "posting" for c in answer.citations) <= 3
    assert any("you named: python, sql, tableau" in n for n in answer.notices), answer.notices
    assert answer.charts and answer.charts[0].rows[0]["label"] == top


def test_the_llm_tool_returns_postings_as_evidence(advisor: Advisor) -> None:
    tool = next(t for t in advisor._toolbox().langchain_tools() if t.name == "find_postings")
    assert set(tool.args) == {"query", "country", "remote", "skills", "limit"}
    msg = tool.invoke({"type": "tool_call", "id": "1", "name": "find_postings",
                       "args": {"query": "data analyst", "country": "US", "skills": ["excel"], "limit": 3}})
    assert len(msg.artifact) == 3 and all(e.kind == "posting" and e.locator.startswith("row ") for e in msg.artifact)
    assert "Job postings from 2023 (Data Analyst or Senior Data Analyst, in United States" in msg.content
    bad = tool.invoke({"type": "tool_call", "id": "2", "name": "find_postings",
                       "args": {"query": "data analyst", "country": "Atlantis"}})
    assert "Unknown country" in bad.content and bad.artifact == []


def test_cli_postings_prints_a_table_and_the_typed_json(advisor: Advisor) -> None:
    out = _run(advisor, "postings", "remote data engineer spark", "--skills", "python,sql", "--limit", "3")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == ("Job postings from 2023 (Data Engineer or Senior Data Engineer, remote); skills matched: "
                        "python, sql.")
    assert lines[1].split()[:4] == ["Company", "Title", "Place", "Posted"] and "has python" in out.output
    raw = _run(advisor, "postings", "data analyst", "--country", "United States", "--limit", "2", "--json")
    found = PostingSearch.model_validate_json(raw.stdout)
    assert len(found.hits) == 2 and json.loads(raw.stdout)["hits"][0]["citation"].endswith(f"row {found.hits[0].row}")


@pytest.mark.parametrize(("args", "says"), [
    (["--country", "XX"], "Unknown country 'XX'"),
    (["--limit", "0"], "0 is not in the range 1<=x<=50"),
    (["--skills", " , "], "give skills separated by commas"),
])
def test_cli_postings_bad_input_is_one_line(advisor: Advisor, args: list[str], says: str) -> None:
    out = _run(advisor, "postings", "data engineer", *args)
    assert out.exit_code != 0 and says in out.output and "Traceback" not in out.output


def test_cli_postings_without_embedded_postings_says_so(advisor: Advisor, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from advisor import Settings

    bare = Advisor(Settings(corpus_dir=advisor.settings.corpus_dir, data_dir=tmp_path / "d", include_postings=False))
    bare.ensure_index()
    out = CliRunner(env={"ADVISOR_INCLUDE_POSTINGS": "false"}).invoke(
        cli, ["--data-dir", str(tmp_path / "d"), "--corpus-dir", str(advisor.settings.corpus_dir), "postings", "x"])
    assert out.exit_code == 1 and "not in the search index" in out.output and "Traceback" not in out.output


def test_the_page_and_slack_show_the_postings_an_answer_cites(advisor: Advisor) -> None:
    pytest.importorskip("gradio")
    from advisor.slack import render_answer
    from ui.render import postings_html, sources_panel

    answer = advisor.ask("Show me data analyst jobs in the United States")
    found = hits_in(answer.citations)
    assert len(found) >= 2 and all(h.role in ("Data Analyst", "Senior Data Analyst") for _, h in found)
    page = postings_html(answer.citations)
    assert page.startswith('<div class="adv-postings">') and '<div class="adv-table-scroll">' in page
    for n, hit in found:
        cells = hit.cells()
        assert f'href="#adv-src-{n}"' in page and cells.month.endswith("2023") and cells.month in page
    assert sources_panel(answer.citations).startswith(page)
    assert postings_html([c for c in answer.citations if c.kind != "posting"]) == ""
    _, blocks = render_answer(answer)
    listing = next(b["text"]["text"] for b in blocks if b["type"] == "section"
                   and b["text"]["text"].startswith("*Job postings (2023)*"))
    assert all(f"*[{n}]* " in listing for n, _ in found)
    assert found[0][1].line().split(" — ")[0] in listing
