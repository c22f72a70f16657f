"""The harness end to end on three cases and one baseline: the reports exist and carry the expected keys.

Uses the session `advisor` over the corpus slice, so the product really runs (MiniLM, Chroma, LangGraph);
what is checked is the harness's plumbing and report shape, not the product's scores (that is the gate's job).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from advisor import Advisor, Settings
from advisor.types import Answer, Citation, Evidence
from evals import harness
from evals.devset import load_devset

CASE_IDS = ("fact-001", "fu-002", "off-001")  # an answer, a follow-up with history, a refusal


@pytest.fixture(scope="module")
def report(advisor: Advisor, tmp_path_factory: pytest.TempPathFactory) -> tuple[harness.Report, Path]:
    cases = harness.select_cases(load_devset(), ids=CASE_IDS)
    out = tmp_path_factory.mktemp("eval-out")
    rep = harness.run_eval(cases, advisor=advisor, configs=["advisor"], baselines=["bm25-only"], out_dir=out,
                           progress=False, suite="test")
    return rep, out


def test_writes_the_three_reports(report: tuple[harness.Report, Path]) -> None:
    _, out = report
    for name in ("report.json", "report.md", "metrics.png"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "metrics.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_json_shape(report: tuple[harness.Report, Path]) -> None:
    _, out = report
    data: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(data) == {"meta", "cases", "configs"}
    assert set(data["configs"]) == {"advisor", "bm25-only"}
    assert set(data["cases"]) == set(CASE_IDS)
    assert data["cases"]["fact-001"]["reference_contexts"], "ragas needs reference contexts"
    for name, cfg in data["configs"].items():
        assert cfg["kind"] == ("product" if name == "advisor" else "baseline")
        agg = cfg["aggregate"]
        for key in harness.METRIC_KEYS:
            assert key in agg and f"n_{key}" in agg, (name, key)
        assert {"latency_p50_s", "latency_p95_s", "must_not_violations", "refusal_errors"} <= set(agg)
        assert [c["id"] for c in cfg["cases"]] == list(CASE_IDS)
        for case in cfg["cases"]:
            assert set(harness.METRIC_KEYS) <= set(case)
            assert {"answer", "refused", "retrieved", "gold", "missing_facts", "unsupported_claims"} <= set(case)
        answered = cfg["cases"][0]
        assert answered["retrieved"] and all({"source", "text"} <= set(r) for r in answered["retrieved"])
        assert answered[f"recall@{harness.K}"] is not None
        refusal = cfg["cases"][2]
        assert refusal["faithfulness"] is None and refusal[f"recall@{harness.K}"] is None


def test_report_md_has_a_table_per_metric(report: tuple[harness.Report, Path]) -> None:
    _, out = report
    md = (out / "report.md").read_text(encoding="utf-8")
    for _, label, _ in harness.METRICS:
        assert f"## {label} (" in md, label
    assert "| config |" in md and "metrics.png" in md and "## Worst" in md


def test_product_refuses_off_topic_and_baseline_never_refuses(report: tuple[harness.Report, Path]) -> None:
    rep, _ = report
    assert rep.configs["advisor"]["cases"][2]["refused"] is True
    assert rep.configs["bm25-only"]["cases"][2]["refused"] is False
    assert rep.configs["bm25-only"]["cases"][2]["refusal_correct"] is False


def test_follow_up_is_rewritten_with_its_history(report: tuple[harness.Report, Path]) -> None:
    rep, _ = report
    followup = rep.configs["advisor"]["cases"][1]
    assert followup["asked"] != followup["question"], "the follow-up should have been made standalone"


def test_score_outcome_on_a_hand_made_outcome() -> None:
    """Retrieval metrics come from the ranked list; a wrong refusal has no grounding scores."""
    case = {
        "id": "t-1", "category": "factual", "question": "What percent of postings ask for agents?",
        "gold_facts": [{"fact": "47.3% ask for agents.", "figures": ["47.3%"], "source": "a.txt",
                        "quote": "appearing in 47.3% of all postings"}],
        "gold_sources": ["a.txt"], "expect_refusal": False, "must_not": [],
    }
    hit = Evidence("e1", "AI Agents is the #3 skill, appearing in 47.3% of all postings.", "a.txt", "A", "article")
    miss = Evidence("e2", "Something else entirely.", "b.txt", "B", "article")
    answer = Answer("AI Agents appear in 47.3% of all postings [1].",
                    [Citation(1, "a.txt", "A", hit.text, 0.9, context=hit.text)])
    rec = harness.score_outcome(case, harness.Outcome(answer, [miss, hit], [hit], 0.1), None, {})
    assert rec[f"recall@{harness.K}"] == 1.0 and rec["mrr"] == 0.5 and rec[f"precision@{harness.K}"] == 0.5
    assert rec["faithfulness"] == 1.0 and rec["citation_precision"] == 1.0 and rec["gold_fact_recall"] == 1.0
    assert rec["gold"][0]["rank"] == 2

    refused = Answer("The sources I have don't cover that, 32,672 postings.", refused=True)
    rec = harness.score_outcome(case, harness.Outcome(refused, [hit], [hit], 0.1), None, {})
    assert rec["refusal_correct"] is False and rec["faithfulness"] is None and rec["gold_fact_recall"] == 0.0
    assert "refused an answerable question" in harness.diagnose(rec)


def test_clean_markup_is_applied_to_quotes() -> None:
    case = {"gold_facts": [{"source": "x", "quote": "AI—driven \\$140K", "figures": []},
                           {"source": "y.csv", "quote": "role == 'x'", "computed": True, "figures": []}]}
    prepared = harness.prepare_case(case)
    assert prepared["gold_facts"][0]["quote"] == "AI - driven $140K"
    assert prepared["gold_facts"][1]["quote"] == "role == 'x'"
    assert case["gold_facts"][0]["quote"] == "AI—driven \\$140K", "the input case is not modified"


def test_gate_failures_and_unknown_config() -> None:
    assert harness.gate_failures({"faithfulness": 0.9, "mrr": None}, {"faithfulness": 0.95, "mrr": 0.1}) == [
        "faithfulness: 0.9 < 0.95", "mrr: None < 0.1"]
    with pytest.raises(ValueError, match="unknown configuration"):
        harness.make_runners(None, ["nope"], [])  # type: ignore[arg-type]


def test_advisor_eval_cli(settings: Settings, advisor: Advisor, tmp_path: Path) -> None:
    """`advisor eval` end to end on one case: options parsed, reports written, aggregate table printed."""
    from click.testing import CliRunner

    from advisor.cli import cli

    result = CliRunner().invoke(cli, [
        "--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir), "eval",
        "--config", "advisor", "--baseline", "none", "--categories", "factual", "--limit", "1", "--no-check",
        "--out", str(tmp_path),
    ])
    assert result.exit_code == 0, result.output
    assert "| advisor |" in result.output and "recall@5" in result.output
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert list(data["configs"]) == ["advisor"] and list(data["cases"]) == ["fact-001"]
    bad = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "eval", "--config", "nope", "--no-check"])
    assert bad.exit_code != 0 and "unknown configuration" in bad.output


def test_tool_results_serve_computed_gold_without_crowding_the_ranking() -> None:
    """Only a tool result that serves a computed gold passage enters the scored ranking, ahead of the search
    hits; the other tool rows (a salary answer carries ~30) never push passages out of the top k."""
    sal = "salaries_aijobs_snapshot_2025-01-19.csv"
    case = {
        "id": "t-2", "category": "salary", "question": "What do AI engineers make?",
        "gold_facts": [
            {"fact": "median $166,000", "figures": ["$166,000"], "source": sal, "quote": "job_title == 'AI Engineer'",
             "computed": True},
            {"fact": "Senior pay", "figures": [], "source": "a.txt", "quote": "senior engineers earn more"},
        ],
        "gold_sources": [sal, "a.txt"], "expect_refusal": False, "must_not": [],
    }
    noise = [Evidence(f"f{i}", f"The article states ${i},000.", "b.txt", "B", "article_figure") for i in range(30)]
    survey = Evidence("s1", "AI Engineers: median $166,000.", sal, "survey", "salary_data")
    passage = Evidence("p1", "In short, senior engineers earn more.", "a.txt", "A", "article")
    outcome = harness.Outcome(Answer("median $166,000 [1]."), [passage], [*noise, survey, passage], 0.1,
                              tools=[*noise, survey])
    gold = harness.M.gold_passages(case["gold_facts"])
    assert [e.id for e in harness.ranked_for_scoring(outcome, gold)] == ["s1", "p1"]
    rec = harness.score_outcome(case, outcome, None, {})
    assert rec[f"recall@{harness.K}"] == 1.0 and rec["mrr"] == 1.0 and [g["rank"] for g in rec["gold"]] == [1, 2]
    no_tool = harness.Outcome(outcome.answer, [passage], [passage], 0.1)
    rec = harness.score_outcome(case, no_tool, None, {})
    assert rec[f"recall@{harness.K}"] == 0.5
    assert any("no data-tool result from this file" in r for r in harness.diagnose(rec))


def test_llm_configurations_need_an_endpoint(advisor: Advisor) -> None:
    """advisor-llm and naive-rag-llm only run against an endpoint; the default run includes them only then."""
    for configs, baselines in ((["advisor-llm"], []), ([], ["naive-rag-llm"])):
        with pytest.raises(ValueError, match="LLM endpoint"):
            harness.make_runners(advisor.settings, configs, baselines, advisor)
    assert harness.default_configs(advisor.settings) == (list(harness.PRODUCT_CONFIGS), list(harness.BASELINES))
    configs, baselines = harness.default_configs(advisor.settings.model_copy(update={"llm_base_url": "http://x/v1"}))
    assert "advisor-llm" in configs and "naive-rag-llm" in baselines


@pytest.fixture()
def scripted_llm() -> Any:
    from tests.backends.scripted import ScriptedOpenAI

    server = ScriptedOpenAI()
    yield server
    server.close()


def test_naive_rag_llm_is_scored_on_what_the_model_wrote(advisor: Advisor, scripted_llm: Any) -> None:
    """The generative baseline's answer is the endpoint's text, scored like any other: an invented figure is an
    unsupported claim, "I don't know" is a refusal, and a failing endpoint is a recorded error, not a crash."""
    case = harness.select_cases(load_devset(), ids=["fact-001"])
    settings = advisor.settings.model_copy(update={"llm_base_url": scripted_llm.base_url, "llm_model": "m",
                                                   "llm_max_retries": 0, "llm_timeout": 10.0})

    def run() -> dict[str, Any]:
        rep = harness.run_eval(case, settings, advisor=advisor, configs=[], baselines=["naive-rag-llm"],
                               out_dir=None, progress=False)
        return rep.configs["naive-rag-llm"]["cases"][0]

    scripted_llm.reply = ("AI Agents appear in 47.3% of all AI Engineer postings [1]. "
                          "Every AI engineer is paid a signing bonus of $512,000 [2].")
    rec = run()
    assert rec["answer"] == scripted_llm.reply and rec["refused"] is False and not rec["error"]
    assert rec["faithfulness"] == 0.5, rec["unsupported_claims"]
    assert any("$512,000" in c for c in rec["unsupported_claims"])
    prompt = scripted_llm.requests[-1]["messages"][-1]["content"]
    assert "Question: What percent of AI engineer postings ask for AI agents?" in prompt
    assert "[1] " in prompt and "[4] " in prompt, "the top-4 chunks are numbered in the prompt"

    scripted_llm.reply = "I don't know, it is not mentioned in the context."
    assert run()["refused"] is True

    scripted_llm.mode = "500"
    rec = run()
    assert "500" in rec["error"] and rec["answer"] == "" and rec["faithfulness"] is None


def test_cited_gold_checks_the_passages_an_answer_cites_not_only_the_file() -> None:
    from evals import metrics as M

    gold = [M.GoldPassage("003_x.txt", "appearing in 47.3% of all postings")]

    def cite(source: str, passage: str) -> Answer:
        return Answer("AI agents appear in 47.3% of postings [1].",
                      [Citation(1, source, "t", passage[:40], 0.7, "article", "", "id", passage)])

    assert harness.cited_gold(cite("003_x.txt", "AI Agents, appearing in 47.3% of all postings (1,967)."), gold) == 1.0
    assert harness.cited_gold(cite("003_x.txt", "Another passage of the same article."), gold) == 0.0
    assert harness.cited_gold(cite("002_y.txt", "AI Agents, appearing in 47.3% of all postings."), gold) == 0.0
    assert harness.cited_gold(cite("003_x.txt", "x"), [M.GoldPassage("salaries.csv", "q", computed=True)]) is None
