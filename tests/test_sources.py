"""Source headings people can read: one formatter for the page, the CLI and Slack.

The fixtures are shaped like what the data tools really produce (titles ending in the
exact filter, metadata with the subject, counts, years and figures); the last test runs
a real salary question through the advisor and checks every surface's headings.
"""

from __future__ import annotations

from dataclasses import replace

from advisor import Advisor
from advisor.slack import plain_text, render_answer
from advisor.sources import describe, has_internal_detail
from advisor.types import Citation, Evidence

SURVEY_FILTER = "job_title='Machine Learning Engineer', company_location='DE', experience_level='SE', duplicates=kept"
POSTINGS_FILTER = (
    "job_title_short IN ('Machine Learning Engineer'), "
    r"job_title ~* '\b(senior|sr|lead|principal|staff|head|director)\b', country='DE'"
)
SURVEY = Citation(
    n=1,
    source="salaries_aijobs_snapshot_2025-01-19.csv",
    title=f"aijobs.net salary survey — {SURVEY_FILTER}",
    quote="Senior Machine Learning Engineers in Germany reported a median salary of $169,778 … from n=18 …",
    score=0.0,
    kind="salary_data",
    locator=SURVEY_FILTER,
    meta={"subject": "Senior Machine Learning Engineers in Germany", "n": 18, "year": "2021–2024", "status": "ok",
          "median": 169777.5, "p25": 125344.25, "p75": 211222.0},
)
POSTINGS = Citation(
    n=2,
    source="data_jobs_2023_with_salary.csv",
    title=f"2023 data-job postings — {POSTINGS_FILTER}",
    quote="Job postings from 2023 … from n=18 postings.",
    score=0.0,
    kind="posting_stats",
    locator=POSTINGS_FILTER,
    meta={"subject": "Senior Machine Learning Engineers in Germany", "n": 18, "year": "2023", "status": "ok",
          "median": 89100.0, "p25": 89100.0, "p75": 166000.0},
)
BLS = Citation(
    n=3,
    source="oews_national_selected_2023_2024.csv",
    title="BLS OEWS national wage estimates — occ_code='15-2051', reference_period='May 2024'",
    quote="BLS OEWS national wage estimates (May 2024), 15-2051 Data Scientists …",
    score=0.0,
    kind="bls",
    locator="occ_code='15-2051', reference_period='May 2024'",
    meta={"subject": "15-2051 Data Scientists", "year": "2024", "employment": 233440, "status": "ok",
          "median": 112590.0, "p25": 82630.0, "p75": 155810.0},
)
ARTICLE = Citation(
    n=4,
    source="002_214ed8fdc024dfea.txt",
    title="What Is an AI Engineer? Job Market & Salary Guide (2025) (IntuitionLabs.ai, 2025-11-25)",
    quote="EMEA: The UK (particularly London) is Europe's largest AI job market.",
    score=0.8,
    kind="article",
    locator="Geographic Distribution of Roles",
)
FIGURE = Citation(
    n=5,
    source="002_214ed8fdc024dfea.txt",
    title="What Is an AI Engineer? Job Market & Salary Guide (2025) — stated salary figure 002-10",
    quote="The article … states $79,000 …",
    score=0.0,
    kind="article_figure",
    locator='figure 002-10: "Germany | €72,000 | ~$79,000"',
)
# a summary the agent wrote over a tool result, before metadata was attached: no subject to read
BARE = Citation(n=6, source="data_jobs_2023_with_salary.csv", title=f"2023 data-job postings — {POSTINGS_FILTER}",
                quote="…", score=0.0, kind="posting_stats", locator=POSTINGS_FILTER)
ALL = [SURVEY, POSTINGS, BLS, ARTICLE, FIGURE, BARE]


def test_data_sources_are_named_in_words_with_the_filter_in_details() -> None:
    assert describe(SURVEY).heading == (
        "aijobs.net salary survey · Senior Machine Learning Engineers in Germany · 2021–2024 · 18 responses"
    )
    assert describe(POSTINGS).heading == (
        "2023 job postings · Senior Machine Learning Engineers in Germany · 18 postings"
    )
    assert describe(BLS).heading == "BLS wage table · 15-2051 Data Scientists · 2024 · 233,440 employed"
    assert describe(BARE).heading == "2023 job postings"  # nothing in words to add: no syntax instead
    for c in (SURVEY, POSTINGS, BLS, BARE):
        view = describe(c)
        assert view.details == f"Filter: {c.locator} · File: {c.source}"  # the exact filter, for checking


def test_rows_summary_reads_the_figures_not_the_quote() -> None:
    assert describe(SURVEY).summary == "Median $169,778 a year, middle half $125,344–$211,222, from 18 responses"
    assert describe(BLS).summary == "Median $112,590 a year, middle half $82,630–$155,810"
    withheld = replace(POSTINGS, meta={"subject": "AI Engineers in Germany", "n": 3, "status": "too_few"})
    assert describe(withheld).summary == "No figures shown: only 3 postings match"
    assert describe(ARTICLE).summary == ""  # articles show their quote


def test_articles_keep_title_and_publisher() -> None:
    assert describe(ARTICLE).heading == ARTICLE.title
    assert describe(ARTICLE).details == "Section: Geographic Distribution of Roles · File: 002_214ed8fdc024dfea.txt"
    assert describe(FIGURE).heading == (
        "What Is an AI Engineer? Job Market & Salary Guide (2025) · salary figure stated in the article"
    )


def test_no_heading_shows_filter_syntax_hashes_or_counts() -> None:
    for c in ALL:
        assert not has_internal_detail(describe(c).heading), describe(c).heading
    for raw in (SURVEY.title, POSTINGS.title, BLS.title, "x (004_84410bbcdf423179.txt)", "from n=18 records"):
        assert has_internal_detail(raw)  # the check can fail: the tools' own titles trip it


def test_evidence_and_citation_read_alike() -> None:
    ev = Evidence(id="e", text=SURVEY.quote, source=SURVEY.source, title=SURVEY.title, kind="salary_data",
                  locator=SURVEY.locator, metadata=dict(SURVEY.meta))
    assert describe(ev) == describe(SURVEY)


def test_slack_and_cli_use_the_same_headings(advisor: Advisor) -> None:
    answer = advisor.ask("What do senior machine learning engineers earn in Germany?")
    survey = [c for c in answer.citations if c.kind == "salary_data"]
    assert survey, [c.title for c in answer.citations]
    # the tool's metadata reached the citation: its heading says who and how many, in words
    assert describe(survey[0]).heading.startswith("aijobs.net salary survey · Senior Machine Learning Engineers in")
    assert "responses" in describe(survey[0]).heading
    _, blocks = render_answer(answer)
    source_lines = [b["elements"][0]["text"] for b in blocks if b["type"] == "context" and "*[" in str(b)]
    assert source_lines
    for line in source_lines:
        head = line.split("\n", 1)[0]
        assert not has_internal_detail(head), head
    assert all(not has_internal_detail(line) for line in plain_text(answer).split("Sources:\n", 1)[1].splitlines())
    cli = answer.sources_markdown().splitlines()
    headings = [line for line in cli if line.startswith("[")]
    assert headings == [f"[{c.n}] {describe(c).heading}" for c in answer.citations]
    assert any(line.strip().startswith("Filter: job_title=") for line in cli)  # the exact filter, in details
