"""What each data set holds: its rows, the years they span (and how many each year), and where they are from.

"What years does the salary survey cover?", "is the survey mostly 2025 data?" and "how recent are your
postings?" ask about a source itself, and a claim about it ("the postings run from 2021 to 2024") is checked
against these counts. An article's remark about "the most recent data" answers none of them. One sentence per
data set, counted from the store (the survey's exact duplicate rows are counted, as every survey figure counts
them; the postings' countries are the store's reading, not the source file's Sudan artifact).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from advisor.config import SURVEY_SNAPSHOT
from advisor.data.normalize import COUNTRY_NAMES, CountryMatch, NormalizationError, resolve_country
from advisor.data.store import Store
from advisor.tools.salary import BLS_NAME, POSTINGS_NAME, SURVEY_NAME, evidence_id, fmt_n, fmt_pct
from advisor.types import Evidence

TOP_PLACES = 3  # the countries named after the largest one


class Dataset(StrEnum):
    SURVEY = "survey"
    POSTINGS = "postings"
    BLS = "bls"


class CoverageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    datasets: list[Dataset] = Field(default_factory=lambda: list(Dataset),
                                    description="The data sets to describe; every one by default.")
    countries: list[str] = Field(default_factory=list, description="Countries asked about ('does the survey have "
                                 "anything on Kenya?'): each data set's rows there, instead of its whole.")
    whole_too: bool = Field(default=False, description="With `countries`: each data set's whole after them (a claim "
                            "about its make-up, 'mostly European companies', is settled by the whole).")


def describe_datasets(query: CoverageQuery, store: Store) -> list[Evidence]:
    """One sentence per data set asked about, in the order asked; for the countries asked, their rows in it (and,
    with `whole_too`, each data set's whole after them)."""
    datasets = list(dict.fromkeys(query.datasets))
    writers = {Dataset.SURVEY: _survey, Dataset.POSTINGS: _postings, Dataset.BLS: _bls}
    if not query.countries:
        return [writers[d](store) for d in datasets]
    return [_in_country(store, d, c) for c in query.countries for d in datasets] + (
        [writers[d](store) for d in datasets] if query.whole_too else [])


def _in_country(store: Store, dataset: Dataset, country: str) -> Evidence:
    """What one data set holds for one country: the survey's responses from employers there (and their years),
    the postings located there, or that BLS covers the United States only. A country no data set knows has none."""
    try:
        match: CountryMatch | None = resolve_country(country)
    except NormalizationError:
        match = None
    name = match.name if match else country
    if dataset is Dataset.BLS:
        text = f"The {BLS_NAME} cover the United States only" + ("." if name == "United States" else f", not {name}.")
        return Evidence(id=evidence_id(store.bls_file, "area_title, national"), text=text, source=store.bls_file,
                        title=f"{BLS_NAME} — national estimates", kind="bls", locator="area_title, national",
                        metadata={"subject": "the United States"})
    if dataset is Dataset.SURVEY:
        row = store.fetchone("SELECT count(*), min(work_year), max(work_year) FROM salaries WHERE company_location = ?",
                             [match.iso2]) if match else None
        n, y0, y1 = (int(row[0]), row[1], row[2]) if row else (0, None, None)
        years = (f" ({y0}–{y1})" if y0 != y1 else f" ({y0})") if n else ""
        text = f"The {SURVEY_NAME} holds {fmt_n(n)} responses from employers in {name}{years}."
        code = match.iso2 if match else name
        file, kind, flt = store.salaries_file, "salary_data", f"company_location='{code}', count"
    else:
        row = store.fetchone("SELECT count(*) FROM postings WHERE country = ?",
                             [match.postings_name]) if match else None
        n = int(row[0]) if row else 0
        text = f"The {POSTINGS_NAME} hold {fmt_n(n)} postings located in {name}."
        file, kind, flt = store.postings_file, "posting_stats", f"country='{name}', count"
    return Evidence(id=evidence_id(file, flt), text=text, source=file, title=f"{dataset.value} — {flt}", kind=kind,
                    locator=flt, metadata={"subject": f"rows in {name}", "n": n})


def _places(rows: list[tuple[str, int]], total: int) -> str:
    """'the United States 67,062 (90.3%), then Canada (2,563), the United Kingdom (2,177) and Australia (244)'."""
    (first, n), rest = rows[0], rows[1:]
    said = [f"{name} ({fmt_n(k)})" for name, k in rest]
    tail = (", then " + ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]) if said else ""
    return f"{first} {fmt_n(n)} ({fmt_pct(n / total)}){tail}"


def _survey(store: Store) -> Evidence:
    years = [(int(y), int(k)) for y, k in store.fetchall(
        "SELECT work_year, count(*) FROM salaries GROUP BY 1 ORDER BY 1")]
    total = sum(k for _, k in years)
    top_year, top_n = max(years, key=lambda yk: yk[1])
    places = [(COUNTRY_NAMES.get(str(c), str(c)), int(k)) for c, k in store.fetchall(
        f"SELECT company_location, count(*) AS k FROM salaries GROUP BY 1 ORDER BY k DESC LIMIT {TOP_PLACES + 1}")]
    by_year = ", ".join(f"{y}: {fmt_n(k)}" for y, k in years)
    row = store.fetchone("SELECT count(*) FROM salaries WHERE dup_rank > 1")
    repeats = int(row[0]) if row else 0
    text = (f"The {SURVEY_NAME} holds {fmt_n(total)} responses from {years[0][0]} to {years[-1][0]}, most of them "
            f"from {top_year} ({fmt_n(top_n)}, {fmt_pct(top_n / total)}); by year, {by_year} (the copy was taken on "
            f"{SURVEY_SNAPSHOT:%-d %B %Y}). By the employer's country: {_places(places, total)}. Each response is "
            f"what its respondent reported; {fmt_n(repeats)} are exact repeats of an earlier response, which the "
            f"survey figures here count.")
    flt = "every row, count by work_year and company_location"
    return Evidence(id=evidence_id(store.salaries_file, flt), text=text, source=store.salaries_file,
                    title=f"{SURVEY_NAME} — {flt}", kind="salary_data", locator=flt,
                    metadata={"subject": "every response", "n": total, "years": [y for y, _ in years]})


# what a posting row holds, as the file's columns say (job_title_short ... job_skills); asked "does it have the job
# descriptions?", the answer is in this sentence
POSTING_FIELDS = ("Each posting gives its job title, employer, location and country, posting date, job board, "
                  "schedule, whether it is remote, mentions no degree or mentions health insurance, its pay (a "
                  "yearly or an hourly figure, where given) and the skills it lists; the job description's own "
                  "text is not in the file.")


def _postings(store: Store) -> Evidence:
    row = store.fetchone("SELECT count(*), min(posted_at), max(posted_at) FROM postings")
    total, first, last = (int(row[0]), row[1], row[2]) if row else (0, None, None)
    places = [(str(c), int(k)) for c, k in store.fetchall(
        f"SELECT country, count(*) AS k FROM postings WHERE country IS NOT NULL GROUP BY 1 ORDER BY k DESC "
        f"LIMIT {TOP_PLACES + 1}")]
    span = f"posted from {first:%-d %B %Y} to {last:%-d %B %Y}" if first and last else "with no posting date"
    text = f"The {POSTINGS_NAME} hold {fmt_n(total)} postings, {span}"
    text += f"; by country: {_places(places, total)}." if places else "."
    text += f" {POSTING_FIELDS}"
    flt = "every posting, count, first and last posted_at, count by country"
    return Evidence(id=evidence_id(store.postings_file, flt), text=text, source=store.postings_file,
                    title=f"{POSTINGS_NAME} — {flt}", kind="posting_stats", locator=flt,
                    metadata={"subject": "every posting", "n": total})


def _bls(store: Store) -> Evidence:
    periods = [str(p) for (p,) in store.fetchall(
        "SELECT DISTINCT reference_period FROM bls ORDER BY min(reference_year) OVER (PARTITION BY reference_period)")]
    titles = [str(t) for (t,) in store.fetchall(
        "SELECT occ_title FROM bls GROUP BY occ_code, occ_title ORDER BY occ_title")]
    occupations = len(titles)
    # named, so "is there an AI engineer category?" is answered by the list itself: there is none
    text = (f"The {BLS_NAME} hold the United States' national wages and employment for {fmt_n(occupations)} "
            f"occupations, for {' and '.join(periods)}: {', '.join(titles)}.")
    flt = "every row, distinct occ_code and reference_period"
    return Evidence(id=evidence_id(store.bls_file, flt), text=text, source=store.bls_file,
                    title=f"{BLS_NAME} — {flt}", kind="bls", locator=flt,
                    metadata={"subject": "every occupation", "n": occupations})
