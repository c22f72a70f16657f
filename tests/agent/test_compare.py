"""A comparison is answered first: which side's median is higher and by how much, inside one source."""

from __future__ import annotations

import re

from advisor import Advisor
from advisor.agent.compare import comparison_evidence
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
    assert "Data Analysts and BI Analysts earn about the same: a median of $100,000 against $97,000" in verdict.text


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
