"""Answers lead with the answer, stay within their length budget, and say yes or no to a figure the question
asserts."""

from __future__ import annotations

import re

import pytest

from advisor import Advisor
from advisor.agent import premise
from advisor.agent.compose import STEP_WORDS, word_count
from advisor.types import Evidence
from evals.metrics import answer_words, internal_details


def _pay(median: float, p25: float, p75: float) -> Evidence:
    return Evidence(id=f"e{median}", text=f"median ${median:,.0f}", source="s.csv", title="t", kind="salary_data",
                    metadata={"p25": p25, "median": median, "p75": p75})


def test_the_verdict_compares_the_claim_with_each_source() -> None:
    survey, bls = _pay(156_100, 110_050, 202_615), _pay(140_910, 102_710, 181_210)
    assert premise.check([1_000_000], [survey, bls]) == premise.Verdict.CONTRADICTED
    assert premise.check([20_000], [survey, bls]) == premise.Verdict.CONTRADICTED
    assert premise.check([150_000], [survey]) == premise.Verdict.CONFIRMED  # within 5% of the median
    assert premise.check([190_000], [survey, bls]) == premise.Verdict.UNCLEAR  # high, but inside a middle half
    assert premise.check([], [survey]) == premise.Verdict.UNCLEAR
    assert premise.check([150_000], [survey], attributed=True) == premise.Verdict.UNCLEAR  # "a report says $150K"
    assert premise.check([1_000_000], [survey], attributed=True) == premise.Verdict.CONTRADICTED
    article = Evidence(id="a", text="x", source="a.txt", title="a", kind="article")
    assert premise.check([150_000], [article]) == premise.Verdict.UNCLEAR  # no figures to compare with
    assert premise.open_with(premise.Verdict.CONTRADICTED, "In the survey, X.").startswith(
        "No, the sources show a different figure: in the survey")


@pytest.mark.parametrize(("question", "opening"), [
    ("Data scientists make about $2 million a year, don't they?", "No,"),
    ("is it true a data scientist takes home around $9k a year?", "No,"),
])
def test_a_false_pay_figure_is_corrected_first(advisor: Advisor, question: str, opening: str) -> None:
    answer = advisor.ask(question)
    assert not answer.refused, answer.text
    assert answer.text.startswith(opening), answer.text
    assert answer.citations and "$" in answer.text.split("[1]")[0]  # the figure that corrects it, cited


@pytest.mark.parametrize("question", [
    "I'm a teacher who codes a bit in Python. How do I move into AI engineering?",
    "What do AI engineers actually do day to day?",
    "What do data engineers earn in the United States?",
])
def test_answers_stay_within_the_length_budget_and_plain(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question)
    assert not answer.refused, answer.text
    budget = advisor.settings.answer_words * (STEP_WORDS if re.search(r"^\d+\. ", answer.text, re.M) else 1)
    first = answer.text.split("]")[0]
    # the data tools' headline sentences always stay; everything else fits the budget
    assert answer_words(answer.text) <= budget + word_count(first), answer.text
    assert internal_details(answer.text) == [], answer.text


def test_the_budget_is_a_setting(advisor: Advisor) -> None:
    q = "I'm a teacher who codes a bit in Python. How do I move into AI engineering?"
    short = Advisor(advisor.settings.model_copy(update={"answer_words": 40, "checkpointer": "memory"}))
    long = Advisor(advisor.settings.model_copy(update={"answer_words": 400, "checkpointer": "memory"}))
    assert answer_words(short.ask(q).text) < answer_words(long.ask(q).text)


def test_a_follow_up_with_nothing_to_follow_is_asked_back(advisor: Advisor) -> None:
    """'and in the UK?' as a conversation's first message: ask what is meant instead of calling it off-topic; the
    same words after a real question are answered."""
    first = advisor.ask("and in the UK?", thread_id="clarify-1")
    assert first.intent == "clarify" and "the United Kingdom" in first.text and '"What do' in first.text
    assert not first.citations
    advisor.ask("What do data scientists earn in the US?", thread_id="clarify-2")
    followed = advisor.ask("and in the UK?", thread_id="clarify-2")
    assert followed.intent != "clarify" and not followed.refused and "United Kingdom" in followed.text


def test_sources_that_disagree_get_one_line_on_why() -> None:
    from advisor.agent.tools import why_they_differ

    def ev(kind: str, median: float, n: int | None) -> Evidence:
        return Evidence(id=kind, text="x", source="s", title="t", kind=kind, metadata={"median": median, "n": n})

    line = why_they_differ([ev("salary_data", 169_778, 18), ev("posting_stats", 89_100, 18)])
    assert line and "self" not in line and "advertised" in line and "reported" in line
    assert "survey and postings figures rest on fewer than 30 rows" in line
    assert why_they_differ([ev("salary_data", 150_000, 500), ev("bls", 140_000, None)]) is None  # close enough
    assert why_they_differ([ev("salary_data", 150_000, 500)]) is None  # one source: nothing to reconcile


def test_the_line_on_why_figures_differ_reads_only_the_figures_the_answer_cites() -> None:
    """A survey and a BLS figure shown, a small postings figure found but not shown: the line is about the two
    shown, and warns about no sample the reader can't see."""
    from types import SimpleNamespace

    from advisor.agent.nodes import Nodes

    def ev(kind: str, median: float, n: int | None) -> Evidence:
        return Evidence(id=kind, text="x", source="s", title="t", kind=kind, metadata={"median": median, "n": n})

    evidence = [ev("salary_data", 57_000, 31), ev("bls", 140_910, None), ev("posting_stats", 120_000, 4)]
    shown = SimpleNamespace(citations=[SimpleNamespace(evidence_id="salary_data"), SimpleNamespace(evidence_id="bls")])
    [line] = Nodes._why_they_differ(shown, evidence)  # type: ignore[arg-type]
    assert "BLS" in line and "survey" in line and "postings" not in line and "rough" not in line
    assert Nodes._why_they_differ(SimpleNamespace(citations=shown.citations[:1]), evidence) == []  # type: ignore[arg-type]
    # one figure shown, on a small sample: said even with nothing to reconcile
    small = [ev("salary_data", 57_000, 26)]
    [note] = Nodes._why_they_differ(SimpleNamespace(citations=shown.citations[:1]), small)  # type: ignore[arg-type]
    assert note == "Small sample: the survey figure on 26 responses; treat it as rough."
    withheld = Evidence(id="w", text="x", source="s", title="t", kind="salary_data", metadata={"n": 8})
    assert Nodes._why_they_differ(SimpleNamespace(citations=[SimpleNamespace(evidence_id="w")]),  # type: ignore[arg-type]
                                  [withheld]) == []  # no figure shown: its row count needs no warning


def test_a_follow_up_does_not_repeat_the_previous_answer(advisor: Advisor) -> None:
    import re

    thread = "no-repeat-1"
    first = advisor.ask("I'm a QA tester. How do I move into AI engineering?", thread_id=thread)
    second = advisor.ask("ok, and what should I learn first?", thread_id=thread)
    assert not first.refused and not second.refused, second.text
    said = [s.strip() for s in re.split(r"\[\d+\]", first.text) if len(s.strip()) > 30]
    again = [s for s in re.split(r"\[\d+\]", second.text) if s.strip() in said]
    assert again == [], again


def test_figures_per_source_are_a_list_under_the_lead(advisor: Advisor) -> None:
    """The lead figure is a sentence; each other source's figure is one Markdown list item with its citation, and
    nothing but those figures is a list item."""
    answer = advisor.ask("What does a data engineer earn in the United States?")
    lines = answer.text.split("\n")
    assert not lines[0].startswith("- ") and re.search(r"\[\d+\]", lines[0])
    items = [line for line in lines if line.startswith("- ")]
    assert items, answer.text  # the slice has survey, postings and BLS figures for US data engineers
    for item in items:
        assert re.search(r"\$[\d,]+", item) and re.search(r"\[\d+\]$", item), item
    n_cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert n_cited == {c.n for c in answer.citations}


def test_a_share_the_question_asserts_is_checked_against_the_lead() -> None:
    lead = "AI Agents is now the #3 most demanded AI skill, appearing in 47.3% of all postings (1,967 of 4,155)."
    question = "I heard {}% of AI engineer postings ask for AI agents, true?"
    assert premise.check_share([90.0], lead, question.format(90)) == premise.Verdict.CONTRADICTED
    assert premise.check_share([47.0], lead, question.format(47)) == premise.Verdict.CONFIRMED
    # a share of something else is no correction: the lead must be about the claim's own subject
    other = "Fintech leads industry AI adoption at 95.1% of postings."
    assert premise.check_share([90.0], other, "I heard 90% of AI engineer jobs need a PhD, true?") == \
        premise.Verdict.UNCLEAR
    assert premise.check_share([90.0], "No figure here.", question.format(90)) == premise.Verdict.UNCLEAR


@pytest.mark.parametrize(("question", "opening"), [
    ("I heard 90% of AI engineer postings ask for AI agents. Is that true?", "No,"),
    ("Someone told me only about 5% of AI engineer postings are entry-level, right?", "Yes,"),
])
def test_a_share_premise_is_answered_first(advisor: Advisor, question: str, opening: str) -> None:
    answer = advisor.ask(question)
    assert answer.text.startswith(opening), answer.text


def test_a_share_someone_else_states_is_never_called_wrong_when_the_lead_has_it() -> None:
    lead = "One industry survey found 78% of IT roles demand AI expertise."
    question = "how many job ads require AI skills? one article says 78%, another 83%"
    assert premise.check_share([78.0, 83.0], lead, question, attributed=True) == premise.Verdict.UNCLEAR


def test_a_share_asserted_in_words_is_read_as_a_range_and_checked() -> None:
    from advisor.agent import premise
    from advisor.agent.interpret import interpret

    most = interpret("most data engineer jobs are remote now, right?")
    assert most.claimed_share_ranges == [(50.0, 100.0)]
    assert interpret("what share of data engineer jobs are remote?").claimed_share_ranges == []  # no claim made
    lead = "In 2023 postings: 1,880 (21.4%) were marked remote (work from home). [1]"
    assert premise.check_share_range(most.claimed_share_ranges, lead, most.question) is premise.Verdict.CONTRADICTED
    full = interpret("most data analyst jobs are full time, right?")
    assert premise.check_share_range(full.claimed_share_ranges, "8,993 (81.1%) were full-time. [1]",
                                     full.question) is premise.Verdict.CONFIRMED
    # a lead about something else says nothing about the claim
    assert premise.check_share_range(most.claimed_share_ranges, "Python is listed in 70.2% of postings. [1]",
                                     most.question) is premise.Verdict.UNCLEAR


def test_a_false_share_in_words_is_corrected_first(advisor: Advisor) -> None:
    answer = advisor.ask("most data jobs are remote these days, right?")
    assert answer.text.startswith("No, "), answer.text
    assert "remote" in answer.text.split("[1]")[0]


def test_a_share_claim_gets_a_verdict_only_when_every_headline_agrees() -> None:
    """"Python is in a third of data job posts" is true of one role's postings and false of another's: no yes
    or no from the first line alone."""
    from advisor.agent.nodes import _agreed

    V = premise.Verdict
    assert _agreed([V.CONFIRMED, V.CONTRADICTED]) is V.UNCLEAR
    assert _agreed([V.CONTRADICTED, V.UNCLEAR, V.CONTRADICTED]) is V.CONTRADICTED
    assert _agreed([V.UNCLEAR]) is V.UNCLEAR


def test_a_share_claimed_on_the_way_to_asking_for_advice_is_settled_first(advisor: Advisor) -> None:
    """The claim is the premise of an advice question ("... so I'm applying straight out of my bootcamp. any tips
    for standing out?"): the advice sentences don't state the share, so the passage sentence that does opens the
    answer with the verdict, and the tips follow."""
    answer = advisor.ask("I read that like a quarter of AI engineer openings are entry level so I'm planning to "
                         "apply straight out of my bootcamp. any tips for standing out?")
    first = answer.text.split("[1]")[0]
    assert first.startswith("No, ") and "entry-level" in first, answer.text
    share = re.search(r"(\d+(?:\.\d+)?)%", first)
    assert share and not 20 <= float(share.group(1)) <= 30  # the claim's own range is not what settles it
    assert share.group(0) in answer.citations[0].context  # the settling share is the cited passage's own
    assert len(answer.citations) >= 2  # the tips asked for still follow


def test_a_first_question_no_source_holds_is_declined_even_beside_a_data_question(advisor: Advisor) -> None:
    answer = advisor.ask("On average how many people apply to each ML engineer job posting? and what % get an "
                         "interview??")
    assert answer.refused and "applicant numbers" in answer.text


def test_a_claim_made_before_the_question_is_settled_before_it_is_answered(advisor: Advisor) -> None:
    """"given that more than half of data jobs are fully remote, ... which remote DS roles pay best?": the claim
    comes first in the message, so the remote share that settles it leads, then the pay asked."""
    answer = advisor.ask("given that more than half of data jobs are fully remote now, I'm just going to apply "
                         "remote-only. which remote data scientist roles pay best?")
    first = answer.text.partition("\n")[0]
    assert first.startswith("No, ") and "remote (work from home)" in first, answer.text
