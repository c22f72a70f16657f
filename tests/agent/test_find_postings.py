"""'Show me postings ...' lists the 2023 postings themselves, filtered in Chroma by what the question names."""

from __future__ import annotations

import pandas as pd

from advisor import Advisor
from advisor.agent.interpret import Ask, interpret
from advisor.agent.tools import posting_filters


def _slice(advisor: Advisor) -> pd.DataFrame:
    return pd.read_csv(advisor.settings.postings_csv, keep_default_na=False, dtype=str)


def test_the_reading_turns_a_posting_search_into_filters() -> None:
    r = interpret("Show remote data engineer jobs in the US paying at least $150K that want Spark",
                  lambda: ["spark", "python"])
    assert r.asks[0] == Ask.FIND_POSTINGS and r.pay_floor == 150_000 and r.skills_named == ["spark"]
    where, words = posting_filters(r)
    assert where == {"$and": [{"role": {"$in": ["Data Engineer", "Senior Data Engineer"]}},
                              {"country": "United States"}, {"remote": True},
                              {"salary_year": {"$gte": 150_000.0}}]}
    assert words[-1] == "paying at least $150,000 a year" and r.claimed_pay == []  # a filter, not a premise
    senior = posting_filters(interpret("find senior data scientist openings in Germany"))[0]
    assert senior == {"$and": [{"role": {"$in": ["Senior Data Scientist"]}}, {"country": "Germany"}]}


def test_postings_are_listed_and_every_one_obeys_the_filters(advisor: Advisor) -> None:
    posts = _slice(advisor)
    answer = advisor.ask("Show me data analyst jobs in the United States")
    assert not answer.refused, answer.text
    cited = [c for c in answer.citations if c.kind == "posting"]
    assert len(cited) >= 2, answer.text
    assert answer.text.startswith("Data Analyst posting") or answer.text.startswith("Senior Data Analyst posting")
    rows = [int(c.locator.split()[-1]) - 2 for c in cited]  # "row N": header line, 1-based
    for i in rows:
        assert posts.job_title_short[i] in ("Data Analyst", "Senior Data Analyst")
        assert posts.job_country[i] == "United States" or "United States" in posts.job_location[i] or \
            posts.job_location[i].endswith(tuple(f", {s}" for s in ("CA", "NY", "TX", "WA", "IL", "MA", "GA")))
    assert any("job postings from 2023" in n for n in answer.notices), answer.notices
    for c in cited:  # each posting is one sentence with its own citation
        assert f"{c.quote.rstrip('.')}. [{c.n}]" in answer.text, c.quote


def test_the_skills_asked_for_come_first_in_each_posting(advisor: Advisor) -> None:
    answer = advisor.ask("Which companies are hiring data engineers who know Spark? Show me a few postings.")
    cited = [c for c in answer.citations if c.kind == "posting"]
    assert cited, answer.text
    assert all("skills: spark" in c.quote for c in cited), [c.quote for c in cited]


def test_without_embedded_postings_the_answer_says_so(advisor: Advisor, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from advisor import Settings

    bare = Advisor(Settings(corpus_dir=advisor.settings.corpus_dir, data_dir=tmp_path / "d",
                            include_postings=False, checkpointer="memory"))
    bare.ensure_index()
    answer = bare.ask("Show me data analyst jobs in the United States")
    assert any("not in the search index yet" in n for n in answer.notices), answer.notices
    assert not any(c.kind == "posting" for c in answer.citations)


def test_a_senior_class_the_postings_lack_is_not_filtered_on() -> None:
    """The postings have no "Senior Machine Learning Engineer" class: a senior ML search keeps the one class
    instead of a filter that finds nothing."""
    reading = interpret("senior machine learning engineer jobs")
    classes = ("Machine Learning Engineer", "Data Engineer", "Senior Data Engineer")
    where, _ = posting_filters(reading, classes=classes)
    assert where == {"role": {"$in": ["Machine Learning Engineer"]}}
    assert posting_filters(reading)[0] == {"role": {"$in": ["Senior Machine Learning Engineer"]}}  # classes unknown


def test_under_a_pay_floor_posted_yearly_salaries_come_before_hourly_estimates(advisor: Advisor) -> None:
    found = advisor.find_postings("data jobs in the United States", min_pay=50_000, limit=50)
    assert found.hits, found.notices
    assert all(h.pay_year and h.pay_year >= 50_000 for h in found.hits)
    for better, worse in zip(found.hits, found.hits[1:], strict=False):
        if len(better.matched) == len(worse.matched):
            assert not (better.pay_basis != "yearly" and worse.pay_basis == "yearly"), found.hits


def test_asking_to_see_postings_is_told_from_asking_about_them() -> None:
    def asks(q: str) -> list[Ask]:
        return interpret(q).asks

    for q in ("show me data scientist roles in Madrid", "list data engineering internships",
              "any remote sql jobs? show me a few"):
        assert asks(q)[:1] == [Ask.FIND_POSTINGS], q
    for q in ("which skills show up most in data analyst job ads", "how do i find a job as a data engineer",
              "show me which roles pay the most in Canada"):
        assert Ask.FIND_POSTINGS not in asks(q), (q, asks(q))


def test_a_city_is_matched_in_a_location_by_any_of_its_names() -> None:
    from advisor.agent.slots import in_city

    assert in_city("Bangalore", "Bengaluru, Karnataka, India") and in_city("münchen", "Munich, Germany")
    assert not in_city("Bangalore", "Hyderabad, Telangana, India")
    assert in_city("Madrid", "Madrid, Spain") and not in_city("Madrid", "Barcelona, Spain")
    assert in_city("Krakow", "Kraków, Poland") and in_city("sao paulo", "São Paulo, State of São Paulo, Brazil")


def test_an_hourly_rate_is_shown_as_one_not_as_a_yearly_salary(advisor: Advisor) -> None:
    posts = _slice(advisor)
    found = advisor.find_postings("data jobs in the United States", has_pay=True, limit=50)
    hourly = [h for h in found.hits if h.hourly]
    assert hourly, "the slice's US postings with pay include hourly rates"
    for hit in [h for h in hourly if not h.placeholder_pay]:
        rate = float(posts.salary_hour_avg[hit.row - 2])
        assert f"${rate:,.2f} an hour" in hit.sentence() and "(hourly rate)" in hit.cells().pay
    yearly = [h for h in found.hits if not h.hourly and not h.placeholder_pay]
    assert all(f"posted pay ${h.pay_year:,.0f} a year" in h.sentence() for h in yearly)


def test_what_the_postings_must_be_is_a_filter_of_the_search() -> None:
    """Part-time, internships, contract work, health insurance, no degree: each a flag of every posting in the
    index, filtered in Chroma, and said in the notice; the asker's story is not searched as one."""
    from advisor.agent.interpret import PostingTerm

    r = interpret("any part time remote data analyst jobs? like 20 hrs/wk")
    assert r.asks[0] == Ask.FIND_POSTINGS and r.posting_terms == [PostingTerm.PART_TIME]
    where, words = posting_filters(r)
    assert {"part_time": True} in where["$and"] and "part-time" in words
    intern = interpret("need a PAID data science internship i can do remote. can you find some")
    assert intern.asks[0] == Ask.FIND_POSTINGS and intern.posting_terms == [PostingTerm.INTERNSHIP]
    both = interpret("find data engineer roles in Seattle that list health insurance and don't require a degree")
    assert both.posting_terms == [PostingTerm.HEALTH_INSURANCE, PostingTerm.NO_DEGREE]
    assert interpret("my contract ends in May; what do data engineers earn?").posting_terms == []


def test_every_listed_posting_has_what_was_asked(advisor: Advisor) -> None:
    posts = _slice(advisor)
    answer = advisor.ask("Show me data jobs in the United States that mention health insurance")
    rows = [int(c.locator.split()[-1]) - 2 for c in answer.citations if c.kind == "posting"]
    assert rows, answer.text
    assert all(posts.job_health_insurance[i] == "True" for i in rows)


def test_a_state_is_searched_by_the_locations_the_postings_write_for_it(advisor: Advisor) -> None:
    posts = _slice(advisor)
    answer = advisor.ask("Show me data jobs in California")
    rows = [int(c.locator.split()[-1]) - 2 for c in answer.citations if c.kind == "posting"]
    assert rows, answer.text
    assert all(posts.job_location[i].split("(")[0].strip().endswith((", CA", "California")) for i in rows)
