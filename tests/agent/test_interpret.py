"""The question is read once per turn into a typed `Interpretation`, and a route table picks the tools."""

from __future__ import annotations

import inspect
import json

import pytest

from advisor.agent import coverage, intent, interpret, interpreters, nodes
from advisor.agent.interpret import Ask, Intent, Interpretation, Source
from advisor.agent.routes import ROUTES, Tool, tools_for
from advisor.agent.slots import Slots
from advisor.agent.tools import Toolbox

VOCABULARY = ["python", "sql", "spark", "tableau", "power bi", "excel", "aws"]


def read(question: str) -> Interpretation:
    return interpret.interpret(question, lambda: VOCABULARY)


@pytest.mark.parametrize(("question", "intent_", "asks"), [
    ("roughly what would a junior data analyst in Canada take home per year?", Intent.SALARY, [Ask.PAY]),
    ("Which three data job titles are the worst paid?", Intent.SALARY, [Ask.RANKING]),
    ("what share of ML engineer ads allow working remotely?", None, [Ask.CONDITIONS]),
    ("Is it worth learning spark if I'm a data engineer, pay-wise?", None, [Ask.SKILL_PAY]),
    ("How long should I expect a move from QA tester to AI engineer to take?", Intent.ADVICE,
     [Ask.DURATION, Ask.HOW_TO]),
    ("have BI analyst salaries stalled or are they still going up?", None, [Ask.PAY_TREND]),
    ("did data architect pay flatten out over the past 3 years", None, [Ask.PAY_TREND]),
])
def test_the_reading_names_what_is_asked(question: str, intent_: Intent | None, asks: list[Ask] | None) -> None:
    r = read(question)
    if intent_ is not None:
        assert r.intent == intent_
    if asks is not None:
        assert all(a in r.asks for a in asks), r.asks


@pytest.mark.parametrize(("question", "parts"), [
    ("what do cloud engineers earn, and which cloud should I learn first?",
     ["what do cloud engineers earn", "which cloud should I learn first"]),
    ("How long is the switch? What do I learn first?", ["How long is the switch", "What do I learn first"]),
    ("I'm a nurse. How do I get into healthcare data?", ["I'm a nurse", "How do I get into healthcare data"]),
    ("is python and sql enough for analyst jobs", ["is python and sql enough for analyst jobs"]),
    ("which skills and tools do postings list", ["which skills and tools do postings list"]),
])
def test_a_message_is_split_into_the_questions_it_asks(question: str, parts: list[str]) -> None:
    assert intent.question_parts(question) == parts


@pytest.mark.parametrize(("question", "asks"), [
    # a second question of another kind is read, not lost under the first one's kind
    ("what do cloud engineers earn, and which cloud should I learn first - aws or azure?", [Ask.PAY, Ask.SKILLS]),
    ("what do data engineers make in canada and how do I become one?", [Ask.PAY, Ask.HOW_TO]),
    # a part without a role is read with the message's role
    ("how much do ML engineers get paid, and do they need spark?", [Ask.PAY, Ask.SKILLS]),
])
def test_each_question_of_a_message_adds_what_it_asks(question: str, asks: list[Ask]) -> None:
    r = read(question)
    assert r.asks[: len(asks)] == asks or all(a in r.asks for a in asks), r.asks


def test_the_askers_own_pay_in_a_part_is_not_asked() -> None:
    r = read("I'm a data analyst on 70k. How do I become an ML engineer?")
    assert Ask.HOW_TO in r.asks and Ask.PAY not in r.asks, r.asks


def test_the_reading_holds_the_slots_and_the_source_preference() -> None:
    r = read("What do senior data engineers earn in Munich according to official statistics?")
    assert r.slots.role == "data engineer" and r.slots.level == "senior"
    assert r.slots.countries == ["Germany"] and r.slots.cities == ["Munich"]
    assert r.source_first == Source.OFFICIAL and Ask.PAY in r.asks
    assert read("what were data scientist jobs advertised at in 2023?").source_first == Source.POSTINGS
    bottom = read("Name the 5 lowest paid data roles")
    assert bottom.lowest_first and bottom.top == 5 and tools_for(bottom) == [Tool.RANKING]


def test_the_reading_survives_the_checkpointer() -> None:
    r = read("Tableau or Power BI for a data analyst in the UK?")
    assert r.skills_compared and r.skills_named == ["tableau", "power bi"]
    stored = json.loads(json.dumps(r.to_state()))  # what any checkpointer can keep
    assert Interpretation.from_state(stored) == r


def test_routes_run_in_table_order_each_tool_once() -> None:
    def reading(*asks: Ask) -> Interpretation:
        return Interpretation(question="q", intent=Intent.SALARY, asks=list(asks), slots=Slots())

    assert tools_for(reading(Ask.PAY, Ask.COMPANY_PAY)) == [Tool.COMPANY, Tool.SALARY]
    assert tools_for(reading(Ask.PAY, Ask.SKILL_PAY)) == [Tool.SKILLS, Tool.SALARY]
    assert tools_for(reading(Ask.SKILLS, Ask.CONDITIONS)) == [Tool.CONDITIONS, Tool.SKILLS]
    assert tools_for(reading(Ask.SKILL_PAY, Ask.SKILLS)) == [Tool.SKILLS]
    assert tools_for(reading(Ask.HOW_TO, Ask.DURATION)) == []
    assert all(callable(getattr(Toolbox, route.tool.value)) for route in ROUTES)


def test_a_turn_reads_the_question_once(advisor, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """No step after `understand` parses the question again: slot extraction runs only inside the reading."""
    callers: list[str] = []
    readings: list[str] = []
    real_extract, real_interpret = interpret.extract, interpret.interpret

    def counting_extract(question: str) -> Slots:
        callers.append(inspect.stack()[1].function)
        return real_extract(question)

    def counting_interpret(*args, **kwargs):  # type: ignore[no-untyped-def]
        readings.append(args[0])
        return real_interpret(*args, **kwargs)

    for module in (interpret, intent, coverage, nodes):
        monkeypatch.setattr(module, "extract", counting_extract, raising=False)
    monkeypatch.setattr(interpreters, "interpret", counting_interpret)  # what the rule interpreter calls
    answer = advisor.ask("What do data scientists earn in Germany, and which skills do their postings list?")
    assert not answer.refused
    assert len(readings) == 1
    assert set(callers) <= {"_slots", "classify"}, callers  # `interpret` reads the slots in `_slots`


def test_pay_per_hour_is_read_and_the_postings_lead() -> None:
    """Hourly rates are what postings give; a named source still leads when the question names one."""
    reading = read("what hourly rate should i charge as a contract data analyst?")
    assert reading.has(Ask.PAY) and reading.pay_hourly and reading.source_first is Source.POSTINGS
    official = read("what do data scientists make according to the government? median and hourly please")
    assert official.has(Ask.PAY) and official.pay_hourly and official.source_first is Source.OFFICIAL
    assert not read("what do data scientists earn in Germany?").pay_hourly


def test_a_claimed_share_of_a_skill_in_postings_is_checked_with_the_skills_tool() -> None:
    reading = read("I read python is in only a third of data job posts, so should I skip it?")
    assert reading.has(Ask.SKILLS) and "python" in reading.skills_named
    assert reading.claimed_share_ranges == [(25.0, 40.0)]
    assert not interpret._claims_a_skill_share(read("most people find python hard, right?"))  # not about postings


def test_years_set_the_level_only_when_said_as_experience() -> None:
    """A career changer's years elsewhere ("retired army logistics, 22 yrs") are not experience in the role asked."""
    assert read("What does a data scientist with 8 years of experience earn?").slots.years_experience == 8
    assert read("data engineer pay, 5 yoe, Germany?").slots.years_experience == 5
    assert read("retired army logistics, 22 yrs. what's the hourly rate for data analyst gigs?"
                ).slots.years_experience is None


def test_asking_whether_postings_exist_somewhere_is_a_posting_search() -> None:
    assert read("any data analyst openings in vietnam in that job data? who was hiring").has(Ask.FIND_POSTINGS)
    assert read("are there data analyst jobs in austin that don't ask for a degree?").has(Ask.FIND_POSTINGS)
    assert not read("are there any jobs in AI for project managers who can't code?").has(Ask.FIND_POSTINGS)


def test_the_payer_named_before_pay_is_the_employer_in_any_casing() -> None:
    from advisor.agent.slots import extract

    assert extract("what does mistral ai pay ML engineers in paris?").company == "mistral ai"
    assert extract("what do they pay data engineers in germany?").company is None
    assert extract("what do startups pay ml engineers?").company is None
    assert read("what does mistral ai pay ML engineers in paris?").has(Ask.COMPANY_PAY)


def test_a_country_code_after_for_is_not_an_employer() -> None:
    from advisor.agent.slots import extract

    assert extract("can I read the survey's numbers as euro salaries for NL?").company is None
    assert extract("what do data engineers earn at SAP?").company == "SAP"


def test_a_roles_own_name_is_not_a_tool_asked_about() -> None:
    """"MLOps" names the role in "MLOps engineers" (their top skills are asked), and the tool in "is MLOps a
    skill postings ask for?" (the articles answer, the postings' skill lists don't have it)."""
    assert "mlops" not in read("which skills do MLOps engineers need most?").tools_unlisted
    assert "mlops" in read("Is MLOps a skill postings ask for?").tools_unlisted


@pytest.mark.parametrize(("question", "skill"), [
    ("is it easy to get in with no experience?", None),
    ("what do I make with 5 years of experience?", None),
    ("do data engineers with spark earn more?", "spark"),
])
def test_with_names_a_skill_only_when_a_skill_follows(question: str, skill: str | None) -> None:
    from advisor.agent.slots import extract

    assert extract(question).skill == skill


def test_a_pay_claim_about_part_of_the_roles_jobs_gets_no_verdict_from_the_roles_median() -> None:
    """"Jobs that don't need AI skills pay $140k" is about some of the jobs: the role's $140K-ish median must not
    read as a "yes, that is close"."""
    from advisor.agent import premise
    from advisor.agent.nodes import _premise_verdict
    from advisor.types import Evidence

    headline = [Evidence(id="s", text="AI Engineers reported a median of $141,000.", source="survey", title="t",
                         kind="data", metadata={"p25": 110_000, "median": 141_000, "p75": 200_000})]
    qualified = read("AI engineer jobs that don't need any AI skills pay like $140k median, right?")
    plain = read("AI engineers make about $140k median, right?")
    assert qualified.claimed_pay == [140_000.0] and qualified.claim_qualified and not plain.claim_qualified
    assert _premise_verdict(qualified, headline, headline[0].text) is premise.Verdict.UNCLEAR
    assert _premise_verdict(plain, headline, headline[0].text) is premise.Verdict.CONFIRMED


def test_four_countries_compared_are_four_sides() -> None:
    """"France vs Germany vs Netherlands vs Spain": every country asked is looked up (a dropped fourth side was
    then declined as a country the sources don't cover)."""
    from advisor.agent.tools import salary_sides

    sides = salary_sides(read("data engineer salaries: france vs germany vs netherlands vs spain?"))
    assert [side.country for side in sides] == ["France", "Germany", "Netherlands", "Spain"]


@pytest.mark.parametrize(("question", "sizes", "level"), [
    ("does a big company pay better than a small startup?", ["L", "S"], None),
    ("senior ML engineer pay at large companies vs mid-size ones", ["L", "M"], "senior"),
    ("I'm at a 20 person startup, what do data engineers earn?", [], None),  # the asker's own employer
    ("what do midsize employers pay analysts", ["M"], None),  # "mid" of "midsize" is no level
])
def test_employer_sizes_asked_are_read_in_order(question: str, sizes: list[str], level: str | None) -> None:
    reading = read(question)
    assert reading.slots.company_sizes == sizes
    assert reading.slots.level == level


@pytest.mark.parametrize(("question", "roles"), [
    ("im a data analyst trying to pick between data engineering or data science. which pays more?",
     ["data engineer", "data scientist"]),  # the asker's own role is not a side
    ("data analyst vs data engineer pay", ["data analyst", "data engineer"]),
    ("I'm a data analyst. data analyst or data engineer, which pays more?", ["data analyst", "data engineer"]),
])
def test_the_askers_own_role_is_no_side_of_a_comparison(question: str, roles: list[str]) -> None:
    assert read(question).slots.roles == roles


def test_the_kind_of_question_is_read_from_the_parts_that_ask() -> None:
    """Pay named in the asker's story is not what they ask: "I keep seeing AI eng salaries and wondering if it's
    realistic to pivot. Where do I even start?" asks for advice."""
    reading = read("Civil engineer here, 6 yrs structural. I keep seeing AI eng salaries and wondering if it's "
                   "realistic to pivot. Where do I even start?")
    assert reading.intent is Intent.ADVICE and Ask.PAY not in reading.asks
    assert read("Data engineer, 5 years, Berlin. What's the going rate?").intent is Intent.SALARY
    assert read("I got an offer of 95k for a data engineer role in Austin. Thoughts?").intent is Intent.SALARY


def test_a_condition_asked_beside_the_askers_story_is_counted() -> None:
    reading = read("is fully remote still realistic for data jobs or did that die with return to office? I'm a "
                   "data engineer, been remote since 2021")
    assert Ask.CONDITIONS in reading.asks
    assert Ask.CONDITIONS not in read("I'm a remote data engineer, how do I move into AI engineering?").asks


def test_every_grouping_of_a_count_is_read_in_order() -> None:
    from advisor.tools.posting_counts import PostingBreakdown

    reading = read("where are most data scientist job postings located? and which job sites carry the most?")
    assert reading.breakdowns == [PostingBreakdown.LOCATION, PostingBreakdown.BOARD]
    assert tools_for(reading)[0] is Tool.POSTING_COUNT


def test_skills_weighed_on_pay_with_no_role_rank_those_skills() -> None:
    reading = read("tableau or power bi, which should i learn first?? which one gets more jobs / more money")
    assert reading.skills_named == ["tableau", "power bi"] and Ask.PAY not in reading.asks
    assert Tool.SKILL_RANKING in tools_for(reading) and Tool.SKILLS in tools_for(reading)


def test_only_questions_no_data_tool_ran_for_are_looked_for_in_the_answer() -> None:
    """"what do I need to add, and is the pay jump real?": the pay figures answer the second (a figure reads far
    from a question to a sentence model), so only the first is checked; a message of one question has none."""
    from advisor.agent.nodes import _parts_to_check

    reading = read("data analyst looking to move into data science — what do I need to add, and is the pay jump "
                   "real?")
    assert reading.questions == ["what do I need to add", "is the pay jump real"]
    assert reading.asks_by_question[1] == [Ask.PAY]
    assert _parts_to_check(reading, figures_lead=True) == ["what do I need to add"]
    assert _parts_to_check(reading, figures_lead=False) == reading.questions
    assert _parts_to_check(read("what do data engineers earn in Canada?"), figures_lead=True) == []


def test_a_part_that_ends_with_a_question_mark_asks_whatever_its_first_words() -> None:
    """"On average how many people apply ...?" opens with no question word; its question mark says it asks (it
    was stripped before it was looked at, so the first question of the message went unread)."""
    reading = read("On average how many people apply to each ML engineer job posting? and what % get an "
                   "interview?? need to know if 200 applications is normal")
    assert reading.questions[0] == "On average how many people apply to each ML engineer job posting"
    assert len(reading.questions) == 2


def test_countries_ranked_by_pay_leave_out_the_countries_named_to_leave_out() -> None:
    reading = read("outside the US, which countries pay data engineers the most?")
    assert reading.asks == [Ask.COUNTRY_RANKING] and reading.countries_left_out == ["United States"]
    assert tools_for(reading) == [Tool.COUNTRY_RANKING]
    assert read("what do data engineers earn in the US?").countries_left_out == []


@pytest.mark.parametrize(("question", "levels", "country", "role"), [
    ("salary for junior to mid level data engineers in spain", ["junior", "mid"], "Spain", "data engineer"),
    ("RN in ontario moving into healthcare analytics, what would i make starting out", ["junior"], "Canada",
     "data analyst"),
])
def test_level_spans_provinces_and_analytics_fields_are_read(question: str, levels: list[str], country: str,
                                                              role: str) -> None:
    slots = read(question).slots
    assert slots.levels == levels and slots.countries == [country] and slots.role == role


def test_a_follow_up_repeating_the_role_keeps_its_own_question() -> None:
    """"how much did that change vs the year before? and how many are employed as data scientists" after a data
    scientist question swaps no slot: it is its own question, with the earlier one's subject."""
    from advisor.agent.nodes import _slot_swaps

    previous = "what's the official BLS median wage for data scientists?"
    followup = "how much did that change vs the year before? and how many people are employed as data scientists"
    merged = intent.rewrite_followup(followup, previous, _slot_swaps(previous, followup))
    assert "year before" in merged and "employed" in merged
    reading = read(merged)
    assert Ask.EMPLOYMENT in reading.asks and len(reading.slots.years) == 2


def test_years_in_the_askers_story_ask_no_trend() -> None:
    """"For the last few years" tells who is asking; the pay asked is a level, not a direction."""
    r = read("I have been a BI developer for the last few years, what should I earn in Canada?")
    assert Ask.PAY in r.asks and Ask.PAY_TREND not in r.asks


@pytest.mark.parametrize(("question", "unrecorded"), [
    ("what % of data engineering jobs require on-call / weekend support?", "on-call / weekend support"),
    ("what share of US ML jobs offer visa sponsorship", "visa sponsorship"),
    ("do many analyst roles require a security clearance?", "a security clearance"),
    ("what share of data analyst jobs require a degree?", ""),  # a degree mention is recorded
    ("how many postings offer health insurance", ""),
    ("what % of data engineer jobs require spark", ""),  # a skill the postings list
    ("which companies pay data engineers the most", ""),
])
def test_a_share_of_postings_by_what_no_field_records_is_read_as_unrecorded(question: str, unrecorded: str) -> None:
    assert read(question).unrecorded == unrecorded


@pytest.mark.parametrize(("question", "countries"), [
    ("economist in milan here. what does the US government say data scientists earn?", ["United States"]),
    ("I live in Berlin. Do data engineers earn more in Germany or the Netherlands?", ["Germany", "Netherlands"]),
    ("Im in Lagos, what do data analysts earn here vs in the UK?", ["Nigeria", "United Kingdom"]),
    ("I'm in Toronto, what do data scientists earn?", ["Canada"]),  # the story's place is the only one: kept
    # a country the question sets aside is no side: the other one is asked
    ("I'm in Spain. how common are remote analyst jobs outside the US?", ["Spain"]),
    ("Hiring an ML engineer in Toronto. What base range should I post? Canadian market please, not US numbers.",
     ["Canada"]),
])
def test_a_country_only_in_the_askers_story_is_no_side(question: str, countries: list[str]) -> None:
    assert read(question).slots.countries == countries


@pytest.mark.parametrize(("question", "source"), [
    ("data engineer vs data scientist pay, looking at actual job posts not surveys", Source.POSTINGS),
    ("the official number, not the survey: what do data scientists earn?", Source.OFFICIAL),
    ("what does the survey say, rather than the postings?", Source.SURVEY),
])
def test_a_source_set_aside_is_not_the_one_named(question: str, source: Source) -> None:
    assert read(question).source_first is source


def test_every_source_named_is_read_in_order() -> None:
    """"What do the postings, the survey and BLS each say?" names three: none answers alone."""
    reading = read("what do the postings, the salary survey and BLS each say about senior data engineers?")
    assert reading.sources_named == [Source.OFFICIAL, Source.POSTINGS, Source.SURVEY]


@pytest.mark.parametrize(("question", "roles", "countries", "asks"), [
    # two countries named and "which country pays more": the two compared, not every country ranked
    ("data engineer, could base myself in Madrid or Warsaw. which country pays DEs more?", [],
     ["Spain", "Poland"], [Ask.PAY]),
    # "out-earn" sets the two roles against each other
    ("do research scientists really out-earn data scientists per BLS?", ["research scientist", "data scientist"],
     [], [Ask.PAY]),
    ("which market pays better for MLEs, London or Vancouver?", [], ["United Kingdom", "Canada"], [Ask.PAY]),
])
def test_sides_named_in_other_words_are_compared(question: str, roles: list[str], countries: list[str],
                                                 asks: list[Ask]) -> None:
    r = read(question)
    assert r.slots.roles == roles and r.slots.countries == countries and r.asks == asks, (r.slots, r.asks)


def test_a_share_asked_in_its_own_part_in_other_words_does_not_narrow_the_pay() -> None:
    r = read("1) what do data analysts make in spain 2) are many of those jobs remote 3) what tools do they want")
    assert r.slots.remote is None and Ask.CONDITIONS in r.asks and Ask.PAY in r.asks


def test_a_versus_heading_before_the_question_is_asked() -> None:
    """"Startup vs big company for a data scientist — which pays better?": the heading states what is compared."""
    r = read("Startup vs big company for a data scientist — which pays better according to your salary data?")
    assert r.slots.company_sizes == ["S", "L"] and Ask.PAY in r.asks


def test_which_job_type_groups_a_condition_by_kind_of_job() -> None:
    from advisor.tools.posting_counts import PostingBreakdown

    r = read("Which data job type had the most remote postings in 2023?")
    assert r.breakdown is PostingBreakdown.TITLE and Ask.CONDITIONS in r.asks


def test_a_ranking_keeps_the_country_it_leaves_out_named() -> None:
    """"Outside the US, which countries pay most?" must still name the US to leave it out of the ranking."""
    r = read("I live in Berlin. outside the US, which countries pay data engineers the most?")
    assert r.countries_left_out == ["United States"] and Ask.COUNTRY_RANKING in r.asks


def read_as_asked(question: str) -> Interpretation:
    """A question as a turn reads it: its short forms written out first ("DE" as "data engineer")."""
    return read(nodes.readable(question, ())[0])


@pytest.mark.parametrize(("question", "roles"), [
    ("how do MLE salaries in australia compare with DE per the salary survey?",
     ["machine learning engineer", "data engineer"]),
    ("BLS says data engineers had a median of $133k, same as software devs. so no pay reason to pick SWE over DE?",
     ["data engineer", "software engineer"]),
])
def test_both_sides_are_read_wherever_the_contrast_stands(question: str, roles: list[str]) -> None:
    """"DE" in capitals is the role where no country code stands beside it; a contrast ("over") after both roles
    were first named still compares them."""
    assert read_as_asked(question).slots.roles == roles


@pytest.mark.parametrize("question", ["what do data engineers earn in DE?", "UK vs DE salaries for data scientists"])
def test_de_beside_a_place_word_or_a_country_code_stays_germany(question: str) -> None:
    reading = read_as_asked(question)
    assert "Germany" in reading.slots.countries and "data engineer" not in reading.slots.roles


def test_pay_stated_as_on_a_base_is_the_askers_own_and_placed() -> None:
    reading = read_as_asked("I'm a senior DE in the US on $150k base. how does that stack up against the 2024 "
                            "survey numbers for senior DEs?")
    assert reading.has(Ask.PAY) and reading.own_pay == [150000.0] and reading.slots.level == "senior"


@pytest.mark.parametrize("question", [
    "who were the biggest posters of data engineering jobs in 2023?",
    "torn between DE and DS. which pays better in brazil and who's actually hiring there?",
])
def test_who_is_hiring_counts_the_postings_by_company(question: str) -> None:
    from advisor.tools.posting_counts import PostingBreakdown

    reading = read_as_asked(question)
    assert reading.has(Ask.POSTING_COUNT) and reading.breakdown is PostingBreakdown.COMPANY


@pytest.mark.parametrize(("question", "levels"), [
    ("How much does pay jump from entry to mid to senior in the salary survey? US, 2024 please",
     ["junior", "mid", "senior"]),
])
def test_levels_compared_with_no_role_are_every_title(question: str, levels: list[str]) -> None:
    """No role named, levels compared: the survey's every title at each level, not a decline for naming no role."""
    from advisor.agent.tools import _side_role
    from advisor.tools.salary import EVERY_ROLE

    reading = read(question)
    assert reading.slots.levels == levels and reading.has(Ask.PAY)
    assert _side_role(reading) == EVERY_ROLE


@pytest.mark.parametrize("question", ["How do data salaries in Canada stack up vs the US?",
                                      "The salary survey shows 2025 median pay dropped vs 2024, so AI pay is cooling "
                                      "off now?"])
def test_data_or_ai_pay_asked_as_a_whole_is_every_title(question: str) -> None:
    assert read(question).whole_field


def test_the_year_before_asked_after_a_figure_looks_up_both_years() -> None:
    reading = read("What's the BLS median salary for software developers — what was it the year before?")
    assert reading.slots.years == [2023, 2024]


def test_a_kind_of_job_asked_of_a_condition_is_a_share_by_title_not_a_count() -> None:
    from advisor.tools.posting_counts import PostingBreakdown

    reading = read("no CS degree. do data jobs actually require a degree?? which ones are most open to ppl without "
                   "one")
    assert reading.has(Ask.CONDITIONS) and reading.breakdown is PostingBreakdown.TITLE
    assert not reading.has(Ask.POSTING_COUNT)


def test_a_source_named_by_its_pay_word_asks_for_no_pay_beside_another_measure() -> None:
    """"What does the salary survey show year by year" about remote work: the survey is where to look."""
    reading = read("Has fully-remote work in data/AI jobs been going away? what does the salary survey show year "
                   "by year")
    assert reading.has(Ask.CONDITIONS) and not reading.has(Ask.PAY_TREND) and not reading.has(Ask.PAY)
    assert read("what does the salary survey show for data engineers?").has(Ask.PAY)  # nothing else asked


def test_a_raise_between_two_years_is_pay_over_those_years() -> None:
    reading = read("BLS shows computer and information research scientists got a raise from 2023 to 2024 like "
                   "everyone else — how big was it?")
    assert reading.has(Ask.PAY) and reading.slots.years == [2023, 2024]


def test_skills_employers_list_in_job_ads_are_shares_not_a_search() -> None:
    reading = read_as_asked("Thinking about becoming a data analyst. What skills do employers actually list in DA "
                            "job ads, and what should I learn first?")
    assert not reading.has(Ask.FIND_POSTINGS) and reading.has(Ask.SKILL_LIST)
    assert read("list me remote data engineer jobs in Texas").has(Ask.FIND_POSTINGS)


def test_the_askers_own_role_is_a_side_when_the_question_points_at_it() -> None:
    reading = read_as_asked("I'm a Linux sysadmin (~10 yrs). According to BLS, how does my job's pay compare with "
                            "database architects, data scientists and software devs?")
    assert len(reading.slots.roles) == 4 and reading.slots.roles[0] == "network and computer systems administrator"
    plain = read_as_asked("im a data analyst, data engineering or data science: which pays more?")
    assert plain.slots.roles == ["data engineer", "data scientist"]  # the story's role, not pointed at, is no side


def test_over_before_a_level_and_role_compares_them() -> None:
    reading = read_as_asked("should I aim for MLE over senior data scientist?")
    assert reading.slots.roles == ["machine learning engineer", "data scientist"]


@pytest.mark.parametrize(("question", "ask"), [
    ("Does going fully remote cost you pay as a data scientist in the US?", None),
    ("BLS data shows software developer employment fell like 10% from 2023 to 2024", Ask.EMPLOYMENT),
])
def test_remote_cost_and_a_fall_in_employment_are_read(question: str, ask: Ask | None) -> None:
    reading = read(question)
    if ask is None:
        assert reading.slots.remote_contrast
    else:
        assert reading.has(ask)


def test_inventory_is_no_request_to_invent_figures() -> None:
    from advisor.agent.guard import check_input

    question = ("I already do a lot of inventory reporting in Excel so data analytics seems natural. What did data "
                "analyst jobs pay in that 2023 postings data?")
    assert check_input(question, 4000).verdict == "ok"


@pytest.mark.parametrize(("question", "topic"), [
    ("I'm on F-1 OPT doing data science in the US. do I qualify for the STEM extension?", "visa"),
    ("What exact questions does Meta ask in its MLE onsite loop these days?", "interviews"),
])
def test_visa_rules_and_a_companys_interview_questions_are_topics_no_source_covers(question: str, topic: str) -> None:
    assert topic in coverage.topic_not_in_sources(question)
    assert coverage.topic_not_in_sources("how should I prep for an AI engineer onsite?") == ""


def test_a_follow_up_that_sets_the_answer_against_another_place_keeps_both() -> None:
    merged = intent.rewrite_followup("how does that stack up against the US number?",
                                     "what does that article say AI engineers make in the UK?",
                                     [("UK", "US")])
    assert "UK" in merged and "US" in merged
