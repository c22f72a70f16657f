"""A comparison is answered first: which side's median is higher and by how much, inside one source."""

from __future__ import annotations

import re

import pytest

from advisor import Advisor
from advisor.agent import interpret
from advisor.agent.compare import comparison_evidence
from advisor.tools.salary import fmt_money
from advisor.types import Evidence


def _fig(eid: str, kind: str, subject: str, median: float, year: str = "2020–2025") -> Evidence:
    return Evidence(id=eid, text=f"{subject}: median {median}", source=f"{kind}.csv", title=f"{kind} — filter {eid}",
                    kind=kind, locator=f"filter {eid}",  # type: ignore[arg-type]
                    metadata={"subject": subject, "median": median, "year": year})


def test_two_sides_say_which_is_higher_and_by_how_much() -> None:
    junior = [_fig("s1", "salary_data", "Junior Data Engineers", 80_000), _fig("b", "bls", "Data Engineers", 120_000)]
    senior = [_fig("s2", "salary_data", "Senior Data Engineers", 130_000), _fig("b", "bls", "Data Engineers", 120_000)]
    verdict = comparison_evidence([junior, senior])
    assert verdict is not None and verdict.kind == "salary_data"
    assert verdict.text.startswith("In the aijobs.net salary survey, the median for Senior Data Engineers is $50,000 "
                                   "(62%) higher than for Junior Data Engineers: $130,000 against $80,000.")
    assert verdict.metadata["compared"] == ["s1", "s2"] and "filter s1" in verdict.locator


def test_a_source_both_sides_share_one_row_of_is_not_a_comparison() -> None:
    """BLS has no levels: the same all-levels row on both sides compares nothing."""
    sides = [[_fig("b", "bls", "Data Engineers", 120_000)], [_fig("b", "bls", "Data Engineers", 120_000)]]
    assert comparison_evidence(sides) is None
    assert comparison_evidence(sides[:1]) is None


def test_the_source_the_question_names_is_compared_and_three_sides_are_ranked() -> None:
    sides = [[_fig(f"s{i}", "salary_data", name, m), _fig(f"b{i}", "bls", name, m - 10_000)]
             for i, (name, m) in enumerate([("Web Developers", 90_000), ("Software Developers", 133_000),
                                            ("Data Scientists", 112_000)])]
    verdict = comparison_evidence(sides, preferred="bls")
    assert verdict is not None and verdict.kind == "bls"
    assert verdict.text == ("In the BLS wage estimates, Software Developers have the highest median ($123,000), then "
                            "Data Scientists ($102,000) and Web Developers ($80,000).")


def test_close_medians_are_about_the_same_and_three_years_are_ranked() -> None:
    sides = [[_fig("a", "salary_data", "Data Scientists", 141_000, "2022")],
             [_fig("c", "salary_data", "Data Scientists", 145_000, "2024")],
             [_fig("d", "salary_data", "Data Scientists", 150_000, "2025")]]
    verdict = comparison_evidence(sides)  # three years: ranked, each side named by its year
    assert verdict is not None and "Data Scientists (2025) have the highest median" in verdict.text
    close = [[_fig("a", "salary_data", "Data Analysts", 100_000)], [_fig("c", "salary_data", "BI Analysts", 97_000)]]
    verdict = comparison_evidence(close)
    assert verdict is not None
    assert ("Data Analysts and BI Analysts earn about the same (3% apart): a median of $100,000 against $97,000"
            in verdict.text)


def test_a_level_comparison_opens_with_the_difference_it_computed(advisor: Advisor) -> None:
    answer = advisor.ask("junior vs senior data engineer salary: what is the difference?")
    assert not answer.refused, answer.text
    first = answer.text.split("\n")[0]
    m = re.search(r"is (\$[\d,]+) \((\d+)%\) higher than for .*: (\$[\d,]+) against (\$[\d,]+)", first)
    assert m, answer.text
    gap, high, low = (int(x.strip("$").replace(",", "")) for x in (m.group(1), m.group(3), m.group(4)))
    assert gap == high - low and round(100 * gap / low) == int(m.group(2))
    cited = " ".join(c.quote for c in answer.citations)
    assert f"${high:,}" in cited and f"${low:,}" in cited  # both medians are the sides' own cited figures


def test_two_years_of_one_population_read_as_a_change_in_time_order() -> None:
    sides = [[_fig("a", "salary_data", "Data Engineers", 150_000, "2024")],
             [_fig("c", "salary_data", "Data Engineers", 120_000, "2021")]]
    verdict = comparison_evidence(sides)
    assert verdict is not None
    assert verdict.text == ("In the aijobs.net salary survey, the median for Data Engineers rose from $120,000 in "
                            "2021 to $150,000 in 2024 (+$30,000, 25%).")


def test_hourly_medians_are_compared_in_dollars_and_cents() -> None:
    remote = [_fig("p1", "posting_stats", "Data Analysts (fully remote)", 40.5)]
    onsite = [_fig("p2", "posting_stats", "Data Analysts (on-site)", 32.0)]
    for side in (remote, onsite):
        side[0].metadata["per_hour"] = True
    verdict = comparison_evidence([remote, onsite])
    assert verdict is not None and "is $8.50 (27%) higher" in verdict.text and "$40.50 against $32.00" in verdict.text


TITLES = ("Data Analyst", "Business Intelligence Analyst", "BI Analyst", "Product Manager", "Manager",
          "Business Intelligence", "Lead Data Scientist", "Data Scientist")


@pytest.mark.parametrize(("question", "roles"), [
    ("should I aim for data analyst or business intelligence analyst for better pay?",
     ["data analyst", "Business Intelligence Analyst"]),
    ("how much do product managers make compared to data scientists", ["Product Manager", "data scientist"]),
    ("BI analyst vs data engineer pay", ["BI Analyst", "data engineer"]),
    # a title inside a curated role's words is the curated role's; one role alone compares nothing
    ("lead data scientist vs data scientist pay", []),
    ("what do product managers earn?", []),
    # the asker's own title is their story, not a side; a single-word title ("Manager") names no role
    ("I'm a product manager: data scientist or ML engineer, which pays more?", ["data scientist",
                                                                               "machine learning engineer"]),
    ("as a hiring manager, should I pay a data engineer or an analytics engineer more?", ["data engineer",
                                                                                         "Analytics Engineer"]),
])
def test_survey_titles_are_sides_of_a_comparison(question: str, roles: list[str]) -> None:
    reading = interpret.interpret(question, title_vocabulary=lambda: TITLES)
    assert reading.slots.roles == roles


def test_a_survey_title_compared_gets_its_own_figure(advisor: Advisor) -> None:
    """The side the curated vocabulary lacks is looked up by its survey title, not dropped: both medians are the
    survey's, re-computed with pandas."""
    import pandas as pd

    sal = pd.read_csv(advisor.settings.salaries_csv)
    us = sal[sal.company_location == "US"]
    expected = {t: us[us.job_title == t].salary_in_usd.median() for t in ("Data Analyst",
                                                                        "Business Intelligence Analyst")}
    answer = advisor.ask("data analyst or business intelligence analyst: which pays more in the US?")
    first = answer.text.split("\n")[0]
    assert "Business Intelligence Analysts" in first and "Data Analysts" in first, answer.text
    for median in expected.values():
        assert fmt_money(median) in first


@pytest.mark.parametrize(("question", "vs_all"), [
    ("lead data scientist vs data scientist pay", True),
    ("how much more does a senior ML engineer make than a regular ML engineer?", True),
    ("senior data engineer salary", False),
    ("junior vs senior data engineer", False),  # two levels: compared level against level
    ("senior data engineer or data scientist?", False),  # two roles
])
def test_one_level_against_the_role_as_a_whole(question: str, vs_all: bool) -> None:
    from advisor.agent.slots import extract
    from advisor.agent.tools import salary_sides

    slots = extract(question)
    assert slots.level_vs_all is vs_all
    if vs_all:
        sides = salary_sides(interpret.interpret(question))
        assert [s.level for s in sides] == [slots.level_phrase, None]


def test_skills_compared_lead_with_which_is_listed_more_often() -> None:
    from advisor.agent.compare import skill_share_verdict

    def ev(i: str) -> Evidence:
        return Evidence(id=i, text=f"share {i}", source="postings.csv", title="2023 postings", kind="posting_stats",
                        locator=f"filter {i}")

    two = skill_share_verdict([("power bi", 0.174, ev("p")), ("tableau", 0.302, ev("t"))], "Data Analyst postings")
    assert two is not None and two.text == ("In 2023 Data Analyst postings, tableau is listed more often than power "
                                            "bi: 30.2% against 17.4%.")
    assert two.metadata["compared"] == ["t", "p"] and "filter p" in two.locator
    close = skill_share_verdict([("aws", 0.30, ev("a")), ("azure", 0.29, ev("z"))], "Data Engineer postings")
    assert close is not None and "aws and azure are listed about as often: 30.0% against 29.0%" in close.text
    three = skill_share_verdict([("r", 0.1, ev("r")), ("python", 0.5, ev("py")), ("sql", 0.4, ev("s"))], "X postings")
    assert three is not None
    assert three.text.endswith("python is listed most often (50.0%), then sql (40.0%), r (10.0%).")
    assert skill_share_verdict([("sql", 0.4, ev("s"))], "X postings") is None


def test_postings_sides_are_compared_on_one_basis_where_one_leaves_placeholders_out() -> None:
    """One side's postings figure leaves a job board's placeholder amounts out (most of its postings carry one):
    every side is then compared without them, and the sentence says so; with too few real amounts on a side, the
    figures as shown are compared."""
    def postings(eid: str, subject: str, median: float, own: float, n_own: int, left_out: bool) -> Evidence:
        e = _fig(eid, "posting_stats", subject, median, "2023")
        e.metadata.update({"median_own": own, "n_own": n_own, "placeholders_left_out": left_out})
        return e

    ml = postings("m", "ML Engineers", 172_050, 172_050, 100, True)
    ds = postings("d", "Data Scientists", 150_000, 148_000, 1_900, False)
    verdict = comparison_evidence([[ml], [ds]])
    assert verdict is not None
    assert "$172,050 against $148,000 (each side's job-board placeholder amounts left out)." in verdict.text
    thin = postings("t", "Data Scientists", 150_000, 90_000, 3, False)
    as_shown = comparison_evidence([[ml], [thin]])
    assert as_shown is not None and "$172,050 against $150,000." in as_shown.text
