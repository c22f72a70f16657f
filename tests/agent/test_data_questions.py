"""Questions the data tools answer: comparisons answer both sides (two levels, remote against on-site), BLS
leads when asked for, "which roles pay most" is a ranking, and a skill the postings lack is left to the articles."""

import re

import pandas as pd
import pytest

from advisor.config import DEFAULT_CORPUS

SALARIES = DEFAULT_CORPUS / "data" / "salaries" / "salaries_aijobs_snapshot_2025-01-19.csv"


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return pd.read_csv(SALARIES)


def _median(df: pd.DataFrame) -> str:
    return f"${df['salary_in_usd'].median():,.0f}"


def test_junior_and_senior_are_looked_up_side_by_side(advisor, survey):
    answer = advisor.ask("What is the salary difference between junior and senior data scientists?")
    assert not answer.refused
    ds = survey[survey["job_title"] == "Data Scientist"]
    junior, senior = _median(ds[ds["experience_level"] == "EN"]), _median(ds[ds["experience_level"] == "SE"])
    first, _, sides = answer.text.partition("\n")
    assert junior in first and senior in first and "higher than" in first, first  # the difference leads
    lead = " ".join(c.quote for c in answer.citations[1:3])
    assert junior in lead and senior in lead, lead
    assert sides.index(junior) < sides.index(senior)  # each side's figures, in the order the question names them


def test_remote_is_compared_with_on_site(advisor, survey):
    answer = advisor.ask("Do remote data engineer jobs pay less?")
    de = survey[survey["job_title"] == "Data Engineer"]
    remote, on_site = _median(de[de["remote_ratio"] == 100]), _median(de[de["remote_ratio"] == 0])
    assert remote in answer.text and on_site in answer.text
    assert re.search(r"\(fully remote\).*\(on-site\)", answer.text, re.S)


def test_bls_leads_when_the_question_asks_for_it(advisor):
    answer = advisor.ask("How much does a data scientist make in the US according to BLS?")
    assert answer.citations[0].kind == "bls" and "Data Scientists" in answer.citations[0].quote
    # the tool chose the BLS occupation; other BLS rows found by retrieval are about other roles
    assert not any(c.kind == "bls" and "Data Scientists" not in c.quote for c in answer.citations)
    # the source asked for answers alone: the survey's and the postings' figures would answer another question
    assert not any(c.kind in ("salary_data", "posting_stats") for c in answer.citations), answer.text


@pytest.mark.parametrize(
    "question, ranks",
    [
        ("What are the highest paying data jobs?", True),
        ("Which roles pay the most in Germany?", True),
        ("What are the lowest paid jobs in data?", True),
        ("Which senior roles are the best paid in the US?", True),
        ("What does a data scientist earn in Germany?", False),
        ("Which skills are most in demand?", False),
    ],
)
def test_ranking_questions_are_recognised(question, ranks):
    from advisor.agent.intent import asks_role_ranking

    assert asks_role_ranking(question) is ranks


def test_which_roles_pay_most_is_answered_with_a_ranking_per_source(advisor, survey):
    answer = advisor.ask("Which roles pay the most in the US?")
    assert not answer.refused
    first = answer.citations[0]
    assert first.kind == "salary_data" and first.source == SALARIES.name
    assert first.quote.startswith("Highest-paying roles in the aijobs.net salary survey (United States")
    us = survey[survey["company_location"] == "US"]
    sizes = us.groupby("job_title")["salary_in_usd"].agg(["median", "size"])
    top = sizes[sizes["size"] >= 30].sort_values(["median", "size"], ascending=[False, False]).index[0]
    assert f"{top} {_median(us[us['job_title'] == top])}" in first.quote
    assert any(c.kind == "salary_ranges" for c in answer.charts)


def test_a_skill_the_postings_do_not_list_is_answered_from_the_articles(advisor):
    answer = advisor.ask("What share of data scientist postings need RAG skills?")
    assert not answer.refused
    assert any("don't include rag" in n for n in answer.notices)
    assert "the most requested skills were" not in answer.citations[0].quote  # no generic top-skills lead
    assert any(c.kind == "article" and "RAG" in c.quote for c in answer.citations)


def test_a_city_is_answered_for_its_country_and_says_so(advisor, survey):
    answer = advisor.ask("What do machine learning engineers earn in London?")
    assert not answer.refused
    uk = survey[(survey["job_title"] == "Machine Learning Engineer") & (survey["company_location"] == "GB")]
    assert _median(uk) in answer.text and "United Kingdom" in answer.text
    assert any("countries, not cities" in n and "London" in n for n in answer.notices)


def test_a_two_part_question_gets_both_parts(advisor):
    answer = advisor.ask("What is the median salary of a data scientist and what skills do they need?")
    kinds = [c.kind for c in answer.citations]
    assert "salary_data" in kinds
    assert any(c.kind == "posting_stats" and "most requested skills" in c.quote for c in answer.citations)


def test_two_cities_in_one_country_are_said_to_be_inseparable(advisor):
    answer = advisor.ask("What do data engineers earn in Munich compared to Berlin?")
    assert any("Munich and Berlin can't be told apart" in n for n in answer.notices)


def test_a_refusal_shows_no_chart(advisor):
    answer = advisor.ask("How much does an AI engineer at Google in Zurich make?")
    assert answer.refused and answer.charts == []


def test_a_skill_with_no_role_is_compared_across_the_main_roles(advisor):
    import ast

    posts = pd.read_csv(advisor.settings.postings_csv, keep_default_na=False, dtype=str)
    analysts = posts[posts.job_title_short.isin(["Data Analyst", "Senior Data Analyst"])]
    with_excel = sum("excel" in (ast.literal_eval(s) if s else []) for s in analysts.job_skills)
    answer = advisor.ask("Is Excel useful for a career in data?")
    first = answer.citations[0]
    assert first.kind == "posting_stats" and "Data Analyst" in first.quote
    assert f"'excel' is listed in {with_excel:,} of {len(analysts):,} postings" in first.quote
    roles = [c.quote for c in answer.citations if c.kind == "posting_stats"]
    assert any("Data Scientist" in q for q in roles) and any("Data Engineer" in q for q in roles)
    assert answer.charts and answer.charts[0].kind == "skill_shares"


def test_an_employer_with_too_few_postings_says_so_before_any_figure(advisor):
    """The answer opens with how few of the employer's postings there are (a cited count from the postings),
    so the all-employer figures after it are not read as Google's."""
    answer = advisor.ask("What do data scientists earn at Google?")
    first = answer.citations[0]
    assert first.kind == "posting_stats" and first.source.endswith(".csv")
    assert re.match(r"(No|Only \d+) 2023 data-job postings match Data Scientist .* from Google", answer.text)
    assert "figures here are for all employers" in answer.text.split("[2]")[0]


def test_two_roles_are_looked_up_side_by_side(advisor):
    answer = advisor.ask("Which pays more in the US, data engineer or machine learning engineer?")
    assert not answer.refused
    assert "higher than" in answer.text.partition("\n")[0], answer.text  # which pays more leads
    lead = [c.quote for c in answer.citations[1:3]]  # then each side, in the question's order
    assert lead[0].startswith("In the aijobs.net salary survey, Data Engineers in the United States"), lead
    assert lead[1].startswith("In the aijobs.net salary survey, Machine Learning Engineers in the United States"), lead


def test_pay_with_and_without_a_named_skill_leads(advisor):
    answer = advisor.ask("How much does knowing Spark add to data engineer salaries?")
    first = answer.citations[0]
    assert first.kind == "posting_stats" and "'spark' is listed in" in first.context, first
    assert re.search(r"\$[\d,]+ with 'spark' \([\d,]+ postings\) vs \$[\d,]+ without it", answer.text), answer.text


def test_an_article_figure_is_one_sentence_with_its_quote(advisor):
    """The figure's sentence is the article's own words (often both ends of a range), said once and cited."""
    roomy = advisor.settings.model_copy(update={"answer_words": 400, "checkpointer": "memory"})
    answer = type(advisor)(roomy).ask("Is prompt engineer actually a well-paid job?")
    figure = next(c for c in answer.citations if c.kind == "article_figure")
    words = figure.context.rsplit('"', 2)[1]  # the article's own words, the last quoted part of the sentence
    assert words and words in answer.text and "Quote:" not in answer.text, answer.text


def test_two_skills_weighed_against_each_other_are_counted_side_by_side(advisor):
    import ast

    posts = pd.read_csv(advisor.settings.postings_csv, keep_default_na=False, dtype=str)
    analysts = posts[posts.job_title_short.isin(["Data Analyst", "Senior Data Analyst"])]
    answer = advisor.ask("tableau or power bi for data analyst jobs?")
    verdict, first, second = answer.citations[0], answer.citations[1], answer.citations[2]
    counts = {}
    for cited, skill in ((first, "tableau"), (second, "power bi")):
        n = counts[skill] = sum(skill in (ast.literal_eval(x) if x else []) for x in analysts.job_skills)
        assert cited.kind == "posting_stats"
        assert f"'{skill}' is listed in {n:,} of {len(analysts):,} postings" in cited.quote, cited.quote
    # which is listed more often comes first, from the same counts
    more, less = sorted(counts, key=lambda k: -counts[k])
    share = {k: f"{100 * v / len(analysts):.1f}%" for k, v in counts.items()}
    assert verdict.quote.endswith(f"{more} is listed more often than {less}: {share[more]} against {share[less]}.") \
        or "about as often" in verdict.quote, verdict.quote
    assert answer.charts and answer.charts[0].kind == "skill_shares"


def test_pay_in_a_place_no_source_has_figures_for_is_declined(advisor):
    """An article naming the city ("Japan's Tokyo is a notable pool") is no answer to what a role earns there."""
    answer = advisor.ask("What does a prompt engineer earn in Tokyo?")
    assert answer.refused and "pay figures for prompt engineers in Japan" in answer.text
    assert not advisor.ask("What does a data scientist earn in Germany?").refused


def test_two_years_are_looked_up_side_by_side(advisor, survey):
    answer = advisor.ask("How did data scientist salaries change from 2022 to 2024?")
    ds = survey[survey["job_title"] == "Data Scientist"]
    y22, y24 = _median(ds[ds["work_year"] == 2022]), _median(ds[ds["work_year"] == 2024])
    first = answer.text.partition("\n")[0]
    assert f"from {y22} in 2022 to {y24} in 2024" in first, first  # how the median moved, in time order
    lead = " ".join(c.quote for c in answer.citations[1:3])
    assert y22 in lead and y24 in lead, lead


def test_too_few_postings_for_a_median_are_shown_as_postings(advisor):
    """A country with a handful of a role's postings: no median (below the minimum), but the postings
    themselves, each in that country, so "which companies, what pay?" still gets an answer."""
    store = advisor._components().toolbox.store
    rows = store.fetchall(
        "SELECT replace(job_title_short, 'Senior ', '') AS role, country, count(*) FROM postings "
        "WHERE job_title_short IN ('Data Engineer', 'Senior Data Engineer', 'Data Scientist', "
        "'Senior Data Scientist', 'Data Analyst', 'Senior Data Analyst') AND country IS NOT NULL "
        "AND country NOT IN ('United States', 'Sudan') GROUP BY 1, 2 HAVING count(*) BETWEEN 2 AND 9 "
        "ORDER BY 3 DESC, 1, 2 LIMIT 1")
    assert rows, "the corpus slice has no country with 2-9 postings of a data role"
    role, country, n = rows[0]
    answer = advisor.ask(f"Any {role.lower()} postings in {country}? Which companies and what pay?")
    postings = [c for c in answer.citations if c.kind == "posting"]
    assert postings, answer.text
    assert len(postings) <= n and all(country in c.quote for c in postings), [c.quote for c in postings]


def test_pay_asked_in_another_currency_leads_with_the_responses_paid_in_it(advisor, survey):
    """"In euros please": the survey's responses paid in euros lead, in euros; the dollar figures follow. Where no
    response was paid in it, a note says the figures are in dollars instead of converting or dropping the ask."""
    answer = advisor.ask("How much do data scientists make in France? In euros please")
    fr = survey[(survey["job_title"] == "Data Scientist") & (survey["company_location"] == "FR")]
    eur = fr[fr["salary_currency"] == "EUR"]["salary"].median()
    first, _, rest = answer.text.partition("\n")
    assert f"EUR {eur:,.0f}" in first and "paid in EUR" in first, first
    assert _median(fr) in rest  # the dollar figure of all French responses follows
    us = advisor.ask("data scientist pay in the US in euros?")
    assert "EUR" not in us.text and any("paid in EUR" in n for n in us.notices), us.notices


def test_a_tool_only_the_articles_know_leads_with_the_sentence_naming_it(advisor):
    """"Is LangChain worth learning?": the postings' skill lists don't have it, so the articles answer, and the
    first sentence names LangChain instead of a remark about the field near it."""
    answer = advisor.ask("is langchain worth learning for AI engineer jobs?")
    assert not answer.refused
    first = answer.text.split("[1]")[0]
    assert "langchain" in first.lower(), answer.text


def test_a_skill_share_question_gets_no_pay_figures(advisor):
    """How often postings ask for a skill is a share; the pay with and without it answers another question."""
    answer = advisor.ask("for data scientist postings, is R still common or is it all python now?")
    assert "'r' is listed in" in answer.text and "'python' is listed in" in answer.text, answer.text
    assert "Median posted salary" not in answer.text


def test_tools_compared_without_a_role_are_compared_in_each_data_role(advisor):
    """"aws vs azure - which is worth learning for data jobs?": each tool's share in each main data role's
    postings, one line per tool, instead of one tool's shares or one role chosen for the person."""
    answer = advisor.ask("aws vs azure - which cloud is worth learning for data jobs?")
    lines = [ln for ln in answer.text.splitlines() if "is listed in" in ln]
    assert len(lines) == 2 and "'aws'" in lines[0] and "'azure'" in lines[1], answer.text
    for line in lines:  # a role with too few postings in this test slice is left out, not shown as 0%
        assert line.count(" postings (") >= 3 and "data engineer postings" in line, line


def test_named_skills_compared_and_what_else_postings_ask_for(advisor):
    """"Is Excel enough or do I need SQL? What do postings ask for?": the named skills' shares, then the role's
    most listed skills (what else); a question about the named skills alone gets no list."""
    both = advisor.ask("For data analyst jobs, is Excel enough or do I really need SQL? What do postings "
                       "actually ask for?")
    assert "'excel' is listed in" in both.text and "'sql' is listed in" in both.text, both.text
    assert "the most requested skills were" in both.text, both.text
    alone = advisor.ask("do data analyst postings want excel or sql more?")
    assert "'excel' is listed in" in alone.text and "the most requested skills were" not in alone.text, alone.text


def test_big_company_against_startup_compares_the_surveys_sizes(advisor, survey):
    answer = advisor.ask("do big companies pay data scientists more than startups?")
    ds = survey[survey["job_title"] == "Data Scientist"]
    large, small = _median(ds[ds["company_size"] == "L"]), _median(ds[ds["company_size"] == "S"])
    first = answer.text.partition("\n")[0]
    assert large in first and small in first and "large companies" in first and "small companies" in first, first
    share = f"{(survey['company_size'] == 'M').mean():.0%}"
    assert any(share in n and "employer's size" in n for n in answer.notices), answer.notices
    assert not any(c.kind in ("postings", "bls") for c in answer.citations)  # no size in them: not cited for one


def test_one_company_size_is_set_against_every_size(advisor, survey):
    answer = advisor.ask("what do large companies pay data engineers?")
    de = survey[survey["job_title"] == "Data Engineer"]
    assert _median(de[de["company_size"] == "L"]) in answer.text and _median(de) in answer.text


def test_money_wise_compares_the_two_countries_pay(advisor, survey):
    answer = advisor.ask("For an ML engineer, is it better money-wise to move to the UK or Canada?")
    mle = survey[survey["job_title"] == "Machine Learning Engineer"]
    uk, ca = _median(mle[mle["company_location"] == "GB"]), _median(mle[mle["company_location"] == "CA"])
    first = answer.text.partition("\n")[0]
    assert uk in first and ca in first, first
    assert not any("None of my sources says which" in n for n in answer.notices)


BLS = DEFAULT_CORPUS / "data" / "bls" / "oews_national_selected_2023_2024.csv"


def test_the_first_question_of_a_message_leads_and_each_side_gets_its_headcount(advisor):
    """"do software devs or data scientists earn more? and which has more jobs": the pay comparison (asked first)
    leads; then BLS's headcount for each side, not for one of them."""
    answer = advisor.ask("per BLS, do software devs or data scientists earn more? and which has more jobs")
    bls = pd.read_csv(BLS)
    may24 = bls[bls["reference_period"] == "May 2024"].set_index("occ_title")
    first = answer.text.partition("\n")[0]
    for title in ("Software Developers", "Data Scientists"):
        assert f"${may24.loc[title, 'a_median']:,}" in first, first
        assert f"{may24.loc[title, 'tot_emp']:,} people employed as {title}" in answer.text, answer.text


def test_a_degree_asked_in_a_second_question_is_counted_for_each_role(advisor, settings):
    """"which pays more? and which one is easier to get into without a masters": the pay comparison leads, then
    each role's share of postings that mention no degree, computed here with pandas."""
    answer = advisor.ask("im a data analyst trying to pick between data engineering or data science. which pays "
                         "more? and which one is easier to get into without a masters")
    posts = pd.read_csv(settings.corpus_dir / "data" / "postings" / "data_jobs_2023_with_salary.csv")  # the slice
    for titles in (["Data Engineer", "Senior Data Engineer"], ["Data Scientist", "Senior Data Scientist"]):
        role = posts[posts["job_title_short"].isin(titles)]
        share = role["job_no_degree_mention"].astype(str).str.lower().eq("true").mean()
        assert f"({share:.1%}) did not mention a degree" in answer.text, answer.text
    assert "higher than" in answer.text.partition("\n")[0]  # the pay comparison, asked first, leads
    assert "Data Analysts" not in answer.text.partition("\n")[0]  # the asker's own role is no side


def test_two_groupings_of_a_count_are_each_answered(advisor, settings):
    answer = advisor.ask("which companies posted the most data engineer jobs? and which job boards carry them?")
    posts = pd.read_csv(settings.corpus_dir / "data" / "postings" / "data_jobs_2023_with_salary.csv")
    de = posts[posts["job_title_short"].isin(["Data Engineer", "Senior Data Engineer"])]
    company, n_company = de["company_name"].value_counts().index[0], de["company_name"].value_counts().iloc[0]
    board = de["job_via"].str.removeprefix("via ").value_counts()
    assert f"{company} ({n_company}," in answer.text, answer.text
    assert f"{board.index[0]} ({board.iloc[0]:,}," in answer.text, answer.text


def test_the_jump_from_one_level_to_another_is_a_pay_comparison(advisor, survey):
    answer = advisor.ask("how big is the jump from mid to senior for data engineers in the US?")
    de = survey[(survey["job_title"] == "Data Engineer") & (survey["company_location"] == "US")]
    mid, senior = _median(de[de["experience_level"] == "MI"]), _median(de[de["experience_level"] == "SE"])
    first = answer.text.partition("\n")[0]
    assert mid in first and senior in first and "higher than" in first, first


def test_employer_sizes_compared_with_no_role_use_every_survey_title(advisor, survey):
    answer = advisor.ask("big company vs startup — who pays data/ML people more?")
    large, small = _median(survey[survey["company_size"] == "L"]), _median(survey[survey["company_size"] == "S"])
    first = answer.text.partition("\n")[0]
    assert large in first and small in first, first
    assert not any("need a role" in n for n in answer.notices)


@pytest.mark.parametrize("question", [
    "what's the starting salary for an entry level AI engineer in the US?",
    "how much do freshers earn as AI engineers in the US?",
])
def test_a_level_read_from_everyday_words_is_looked_up_as_that_level(advisor, survey, question):
    """The lexicon reads "starting salary" and "freshers" as junior; the tools get the level, not the words (which
    no data set's level parser knows), so the figure is the entry-level one instead of a decline."""
    answer = advisor.ask(question)
    ai = survey[(survey["job_title"] == "AI Engineer") & (survey["company_location"] == "US")]
    assert not answer.refused, answer.text
    assert _median(ai[ai["experience_level"] == "EN"]) in answer.text.partition("\n")[0], answer.text


def test_remote_asked_over_time_adds_the_surveys_share_by_year(advisor, survey):
    answer = advisor.ask("is remote work dying in data jobs? what share is fully remote now vs a few years ago")
    for year in (2022, 2024):
        share = (survey[survey["work_year"] == year]["remote_ratio"] == 100).mean()
        assert f"{year}: {share:.0%} of {(survey['work_year'] == year).sum():,}" in answer.text, answer.text


def test_pay_asked_over_the_years_gives_the_surveys_median_by_year(advisor, survey):
    """A direction asked ("stalled or still going up?") gets each full year's median, first; the snapshot's
    partial year is said apart, not as a step."""
    answer = advisor.ask("have US data scientist salaries stalled lately or are they still going up?")
    ds = survey[(survey["job_title"] == "Data Scientist") & (survey["company_location"] == "US")]
    by = ds.groupby("work_year")["salary_in_usd"].agg(["median", "size"])
    lead = answer.text.partition("[1]")[0]
    for year in (2022, 2023, 2024):
        assert f"${by.loc[year, 'median']:,.0f} in {year}" in lead, answer.text
    assert f"{by.loc[2025, 'size']:,} so far" in answer.text, answer.text


def test_which_countries_pay_most_is_the_surveys_countries_ranked(advisor, survey):
    answer = advisor.ask("outside the US, which countries pay data engineers the most?")
    de = survey[(survey["job_title"] == "Data Engineer") & (survey["company_location"] != "US")]
    by = de.groupby("company_location")["salary_in_usd"].agg(["median", "size"])
    top = by[by["size"] >= 10].sort_values("median", ascending=False).iloc[0]
    assert f"${top['median']:,.0f}" in answer.text.partition("[1]")[0], answer.text


def test_a_share_of_postings_no_field_records_is_declined_or_said_beside_the_rest(advisor, survey):
    """"What % of DE jobs require on-call?": no posting field records it, so it is declined by name instead of
    answered with the role's skills; asked beside a pay question, the pay is answered and the gap said."""
    alone = advisor.ask("what % of data engineering jobs require on-call or weekend support?")
    assert alone.refused and "on-call or weekend support" in alone.text, alone.text
    beside = advisor.ask("how many data analyst jobs need a security clearance? and what do data analysts earn?")
    da = survey[survey["job_title"] == "Data Analyst"]
    assert not beside.refused and _median(da) in beside.text, beside.text
    assert any("a security clearance" in n for n in beside.notices), beside.notices


def test_postings_asked_for_a_year_they_lack_are_declined_by_that_year(advisor):
    """The postings are all of 2023: a change "from 2022 to 2023 in the postings" is declined by its year, not
    answered with the articles' growth figures for other postings."""
    answer = advisor.ask("how did the number of data engineer postings change from 2022 to 2023 in that postings "
                         "dataset?")
    assert answer.refused and "2022" in answer.text and "2023 only" in answer.text, answer.text


def test_a_survey_comparison_that_rests_on_repeated_rows_says_the_order_flips(advisor, survey):
    """The survey repeats many responses word for word; where leaving the repeats out flips which side is
    higher, the comparison says so with the distinct responses' medians."""
    answer = advisor.ask("senior research scientists vs senior applied scientists in the US in 2024, which pays more?")
    rows = survey[(survey.company_location == "US") & (survey.work_year == 2024) & (survey.experience_level == "SE")]
    distinct = {t: rows[rows.job_title == t].drop_duplicates() for t in ("Research Scientist", "Applied Scientist")}
    raw = {t: rows[rows.job_title == t].salary_in_usd.median() for t in distinct}
    assert raw["Research Scientist"] > raw["Applied Scientist"]  # the data's own flip, checked first
    assert distinct["Applied Scientist"].salary_in_usd.median() > distinct["Research Scientist"].salary_in_usd.median()
    first = answer.text.split("\n")[0]
    assert "the order flips" in first, answer.text
    for d in distinct.values():
        assert f"${d.salary_in_usd.median():,.0f}" in first and f"{len(d):,}" in first, first


def test_a_level_too_thin_in_the_survey_gets_the_roles_figure_for_every_level_said_so(advisor, survey):
    answer = advisor.ask("roughly what would a junior data engineer take home in Brazil per year?")
    de = survey[(survey["job_title"] == "Data Engineer") & (survey["company_location"] == "BR")]
    assert len(de[de["experience_level"] == "EN"]) < 5 <= len(de)  # the premise of the test: too few at the level
    line = next(c.quote for c in answer.citations if "salary survey" in c.quote)
    assert _median(de) in line and "every level together" in line, line


def test_a_level_the_survey_has_keeps_its_own_figure(advisor, survey):
    answer = advisor.ask("roughly what would a senior data engineer take home in the US per year?")
    line = next(c.quote for c in answer.citations if "salary survey" in c.quote)
    assert "every level together" not in line, line


def test_a_headcount_follow_up_of_any_length_keeps_the_role(advisor):
    thread = "headcount-follow-up"
    advisor.ask("what do statisticians earn according to the BLS?", thread_id=thread)
    answer = advisor.ask("are those numbers for a big group of people, and are there more or fewer of those jobs "
                         "than the year before?", thread_id=thread)
    assert "Statisticians" in answer.text and "employed" in answer.text, answer.text


def test_a_headcount_no_source_has_is_the_reply_not_a_note_under_pay_sentences(advisor):
    """"How many AI engineers are employed?": BLS counts no such occupation, and no passage counts them either, so
    the reason is the reply; asked beside pay, the pay is answered and the missing headcount is the first note."""
    alone = advisor.ask("How many AI engineers are employed in the US?")
    assert alone.refused and alone.text.startswith("BLS counts no AI Engineers of their own"), alone.text
    with_pay = advisor.ask("how many prompt engineers are there in the US and what do they earn?")
    assert not with_pay.refused and "$" in with_pay.text, with_pay.text
    assert with_pay.notices[0].startswith("BLS counts no Prompt Engineers of their own"), with_pay.notices


def test_a_claim_about_a_data_sets_years_is_answered_from_its_own_counts(advisor, settings):
    """"Is the survey mostly 2025 data?": the survey's rows by year, first, so the claim can be seen to be wrong."""
    answer = advisor.ask("the salary survey is mostly 2025 data right?")
    survey = pd.read_csv(settings.salaries_csv)
    top = int(survey["work_year"].value_counts().idxmax())
    first = answer.text.partition("\n")[0]
    assert first.startswith("The aijobs.net salary survey holds") and f"most of them from {top}" in first, first
