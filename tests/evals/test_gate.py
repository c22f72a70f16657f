"""CI gate: the product on a fast dev-set subset must stay at or above the committed metric floors.

The subset (`evals/ci_subset.json`) covers every category with cases whose gold facts the test corpus slice
holds in full (articles, BLS, salary survey); the floors are in `evals/thresholds.json`. On failure the
message names each metric below its floor and the worst cases with a diagnosis, and the full report is
written to the test's temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import Advisor
from evals import harness
from evals.devset import load_devset


@pytest.fixture(scope="module")
def gate_report(advisor: Advisor, tmp_path_factory: pytest.TempPathFactory) -> harness.Report:
    cases = harness.select_cases(load_devset(), ids=harness.ci_subset_ids())
    out: Path = tmp_path_factory.mktemp("gate")
    return harness.run_eval(cases, advisor=advisor, configs=["advisor"], baselines=[], out_dir=out, progress=False,
                            suite="ci_subset")


def test_subset_is_the_committed_one() -> None:
    ids = harness.ci_subset_ids()
    cases = {c["id"]: c for c in load_devset()}
    assert ids and all(i in cases for i in ids), [i for i in ids if i not in cases]

    def from_postings(case: dict) -> bool:  # the slice has 300 postings: those gold figures would not hold
        return any(f.get("spec", {}).get("dataset") == "postings" for f in case["gold_facts"])

    assert not [i for i in ids if from_postings(cases[i])]
    coverable = {c["category"] for c in cases.values() if not from_postings(c)}  # all but `skills`
    assert {cases[i]["category"] for i in ids} == coverable


def test_product_meets_the_committed_floors(gate_report: harness.Report) -> None:
    thresholds = harness.load_thresholds()
    config = thresholds["config"]
    agg = gate_report.configs[config]["aggregate"]
    failures = harness.gate_failures(agg, thresholds["min"])
    if failures:
        worst = sorted(gate_report.configs[config]["cases"], key=harness.case_health)[:5]
        detail = "\n".join(f"  {r['id']}: " + "; ".join(harness.diagnose(r)) for r in worst)
        pytest.fail("below the floors in evals/thresholds.json:\n  " + "\n  ".join(failures) + "\nworst cases:\n"
                    + detail)


def test_gate_is_fast(gate_report: harness.Report) -> None:
    """The product answers the subset quickly; scoring (embedding) is what takes most of the gate's time."""
    answered = sum(r["seconds"] for r in gate_report.configs["advisor"]["cases"])
    assert answered < 45, f"the product took {answered:.1f} s on {len(gate_report.cases)} cases"
