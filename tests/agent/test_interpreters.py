"""The two interpreters behind one protocol: the LLM's reading is mapped into the rules' vocabulary, the rules
fill what it leaves out, and any failure of the model gives the rules' reading."""

from __future__ import annotations

from dataclasses import replace

import pytest

from advisor import Advisor
from advisor.agent.interpret import Ask, Intent, Interpretation, Reader, Source, interpret
from advisor.agent.interpreters import (
    LLMInterpreter,
    ModelReading,
    RuleInterpreter,
    canonical_country,
    canonical_level,
    canonical_role,
    make_interpreter,
)
from advisor.agent.slots import extract
from advisor.config import InterpreterChoice, Settings
from tests.agent.fake_chat import QueuedChat

VOCABULARY = ["python", "sql", "pytorch", "power bi", "excel"]
QUESTION = "What does a senior ML engineer earn in Munich per the BLS, is it really $150k?"


def llm_reading(*replies: object) -> tuple[LLMInterpreter, QueuedChat]:
    chat = QueuedChat().enqueue(*replies)
    rules = RuleInterpreter(lambda: VOCABULARY)
    return LLMInterpreter(rules, chat.with_structured_output(ModelReading)), chat


@pytest.mark.parametrize(("said", "question"), [
    ("ML Engineer", "what does an ml engineer earn"),
    ("Machine Learning Engineers", "what does a machine learning engineer earn"),
    ("data scientist", "what does a data scientist earn"),
    ("Senior Data Engineer", "what does a data engineer earn"),
    ("Web Developer", "what does a web developer earn"),
])
def test_a_role_the_model_names_is_the_role_the_rules_name(said: str, question: str) -> None:
    assert extract(question).role is not None
    assert canonical_role(said) == extract(question).role


@pytest.mark.parametrize(("said", "question"), [
    ("Deutschland", "salaries in germany"),
    ("USA", "salaries in the united states"),
    ("Great Britain", "salaries in the uk"),
    ("London", "salaries in the uk"),
])
def test_a_country_the_model_names_is_the_country_the_rules_name(said: str, question: str) -> None:
    assert canonical_country(said) == extract(question).countries[0]


def test_names_the_vocabulary_lacks_are_resolved_by_the_data_or_dropped() -> None:
    assert canonical_country("Vietnam") == "Vietnam"  # a country of the data, not of the lexicon
    assert canonical_country("Atlantis") is None
    assert canonical_role("Chief Vibes Officer") is None
    assert canonical_level("entry level") == extract("entry level jobs").level
    assert canonical_level("senior") == "senior"


def test_the_models_reading_is_mapped_into_the_interpretation() -> None:
    said = ModelReading(intent="salary", asks=[Ask.PAY, Ask.PAY], role="ML Engineer", countries=["Deutschland"],
                        cities=["München"], level="senior", years=[2024], company="Zalando",
                        skills=["Python", "PyTorch", "Telepathy"], remote=True, source_named=Source.OFFICIAL,
                        claimed_pay=[150000, 12], language="DE")
    interpreter, chat = llm_reading(said)
    r = interpreter.read(QUESTION)
    assert r.read_by is Reader.LLM and r.question == QUESTION
    assert r.intent is Intent.SALARY and r.asks == [Ask.PAY]
    assert r.slots.role == extract("ml engineer salary").role
    assert r.slots.countries == ["Germany"]
    assert (r.slots.cities, r.slots.city_countries) == (["München"], ["Germany"])
    assert (r.slots.level, r.slots.year, r.slots.company, r.slots.remote) == ("senior", 2024, "Zalando", True)
    assert r.skills_named == ["python", "pytorch"] and r.skills_compared  # only the postings' skills
    assert (r.source_first, r.claimed_pay, r.language) == (Source.OFFICIAL, [150000.0], "de")
    assert chat.prompts[0][-1] == ("human", QUESTION)


def test_what_the_model_leaves_out_the_rules_read() -> None:
    interpreter, _ = llm_reading(ModelReading(intent="salary"))
    r = interpreter.read(QUESTION)
    rules = interpret(QUESTION, lambda: VOCABULARY)
    assert r.read_by is Reader.LLM
    assert r.model_dump(exclude={"read_by"}) == rules.model_dump(exclude={"read_by"})
    assert rules.slots.countries == ["Germany"] and rules.claimed_pay  # the rules did read something here


def test_an_empty_list_is_the_model_saying_none() -> None:
    interpreter, _ = llm_reading(ModelReading(intent="salary", countries=[], cities=[], claimed_pay=[]))
    r = interpreter.read(QUESTION)
    assert (r.slots.countries, r.slots.cities, r.claimed_pay) == ([], [], [])
    assert r.slots.role == interpret(QUESTION).slots.role  # null is not "none": the rules' role stays


@pytest.mark.parametrize("reply", [
    RuntimeError("endpoint exploded"),
    TimeoutError("deadline"),
    {"intent": "salary"},  # a dict, not a validated reading
    None,
])
def test_any_failure_gives_the_rules_reading(reply: object) -> None:
    interpreter, _ = llm_reading(reply)
    r = interpreter.read(QUESTION)
    assert r.read_by is Reader.RULES
    assert r == interpret(QUESTION, lambda: VOCABULARY)


def test_the_schema_refuses_values_outside_the_enums() -> None:
    with pytest.raises(ValueError):
        ModelReading.model_validate({"intent": "pay"})
    with pytest.raises(ValueError):
        ModelReading.model_validate({"intent": "salary", "asks": ["salary_please"]})
    with pytest.raises(ValueError):
        ModelReading.model_validate({"intent": "salary", "level": "wizard"})


def test_the_setting_picks_the_interpreter() -> None:
    class Backend:  # what `from_backend` uses of the real backend
        chat = QueuedChat()

    assert isinstance(make_interpreter(Settings(), Backend()), RuleInterpreter)  # the default: rules
    assert isinstance(make_interpreter(Settings(interpreter=InterpreterChoice.AUTO), None), RuleInterpreter)
    assert isinstance(make_interpreter(Settings(interpreter=InterpreterChoice.LLM), None), RuleInterpreter)
    assert isinstance(make_interpreter(Settings(interpreter=InterpreterChoice.RULES), Backend()), RuleInterpreter)
    auto = make_interpreter(Settings(interpreter=InterpreterChoice.AUTO, interpret_timeout=3.0), Backend())
    assert isinstance(auto, LLMInterpreter) and auto.timeout == 3.0


class CountingInterpreter:
    def __init__(self) -> None:
        self.questions: list[str] = []

    def read(self, question: str) -> Interpretation:
        self.questions.append(question)
        return interpret(question)


def test_understand_asks_the_interpreter_once_per_turn(advisor: Advisor) -> None:
    counting = CountingInterpreter()
    own = Advisor(advisor.settings.model_copy(update={"checkpointer": "memory"}))
    own._nodes = replace(advisor._components(), interpreter=counting)
    first = own.ask("What do data scientists earn in Germany?", thread_id="once")
    second = own.ask("And in France?", thread_id="once")
    assert not first.refused and not second.refused
    assert len(counting.questions) == 2
    assert "France" in counting.questions[1] and "data scientist" in counting.questions[1].lower()
