"""The interpretation scorer: its mapping between the labels' vocabulary and the Interpretation, its set scores,
and a regression floor for the rule interpreter on the labelled set (evals/interpretation_floor.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.agent.interpret import Ask, Intent, Interpretation, Reader, interpret
from advisor.agent.interpreters import RuleInterpreter
from advisor.agent.slots import Slots
from advisor.config import Settings
from evals import interpretation as ev

FLOOR_PATH = Path(ev.__file__).with_name("interpretation_floor.json")


def label(**fields: object) -> dict:
    empty = {f: [] if spec.kind is not ev.Kind.EXACT else None for f, spec in ev.FIELDS.items()}
    return {"id": "t-1", "question": "q", "expected": {**empty, "intent": "salary", "language": "en", **fields}}


def test_the_labels_vocabulary_meets_the_readings() -> None:
    reading = Interpretation(question="q", intent=Intent.SALARY, asks=[Ask.PAY],
                             slots=Slots(role="machine learning engineer", level="junior", year=2024,
                                         countries=["Germany"], cities=["Berlin"], company="Meta"))
    row = label(asks=["pay"], role="Senior Machine Learning Engineer", level="entry", years=[2024],
                countries=["Germany"], cities=["berlin"], company="META")
    result = ev.score([(row, reading)])
    assert result["all_fields_right"] == 1.0, result["mismatches"]
    assert result["not_read"] == ["language"]  # the reading states no language: not scored


def test_sets_score_precision_recall_and_the_first_ask() -> None:
    reading = Interpretation(question="q", intent=Intent.COMPARISON, asks=[Ask.SKILLS, Ask.PAY],
                             slots=Slots(countries=["Germany", "France"]), language="en", read_by=Reader.LLM)
    row = label(intent="comparison", asks=["pay", "skills"], countries=["Germany", "India"])
    result = ev.score([(row, reading)])
    assert result["fields"]["countries"] == {"accuracy": 0.0, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert result["fields"]["asks"]["f1"] == 1.0 and result["fields"]["asks"]["first_correct"] == 0.0
    assert result["fields"]["language"] == {"accuracy": 1.0}
    assert {m["field"] for m in result["mismatches"]} == {"asks", "countries"}
    assert result["read_by"] == {"llm": 1}


def test_a_wrong_reading_is_a_mismatch() -> None:
    row = label(asks=["pay"], role="Data Engineer", countries=["Canada"])
    result = ev.score([(row, interpret("What do data analysts earn in Canada?"))])
    assert [(m["field"], m["expected"], m["got"]) for m in result["mismatches"]] == [
        ("role", "data_engineer", "data_analyst")]


@pytest.mark.skipif(not ev.LABELS_PATH.exists(), reason="evals/interpretations.jsonl is not there yet")
def test_the_rule_interpreter_holds_its_measured_scores(tmp_path_factory: pytest.TempPathFactory) -> None:
    floor = json.loads(FLOOR_PATH.read_text())
    settings = Settings(data_dir=tmp_path_factory.mktemp("interpretation-data"))  # the whole corpus's skills
    result = ev.evaluate(RuleInterpreter(ev.skill_vocabulary(settings)), ev.load_labels(), settings)
    low = [(f"{field}.{name}", got, want) for field, scores in floor["fields"].items()
           for name, want in scores.items() if (got := result["fields"][field][name]) < want - floor["margin"]]
    if result["all_fields_right"] < floor["all_fields_right"] - floor["margin"]:
        low.append(("all_fields_right", result["all_fields_right"], floor["all_fields_right"]))
    assert not low, f"below the measured floor (score, measured): {low}"
