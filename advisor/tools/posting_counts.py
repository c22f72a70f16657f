"""count_postings: how many 2023 postings match, and which companies, job boards, titles, places, countries or
months hold most.

Why: "How many ML engineer postings are there, and which companies posted the most?", "Are there data jobs in
Germany? How many and what kind?" and "Where do these postings come from, LinkedIn? Indeed?" are counts in the
postings, and an article's remark about job growth answers none of them. The count is over every matching
posting (no salary needed); the groups are the postings' own fields: `company_name`, `job_via` (the board the
posting was found through), `job_title_short` (the publisher's class) and `job_location`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import NormalizationError, resolve_country
from advisor.data.store import HOURS_PER_YEAR, Store
from advisor.tools.posting_sentence import PostingSentence, postings_population
from advisor.tools.salary import (
    OWN_PAY,
    POSTINGS_NAME,
    evidence_id,
    fmt_money,
    fmt_n,
    fmt_pct,
)


class PostingBreakdown(StrEnum):
    """The field postings are grouped by, named as people ask ("which companies", "which job boards")."""

    COMPANY = "company"
    BOARD = "board"
    TITLE = "title"
    LOCATION = "location"
    COUNTRY = "country"
    MONTH = "month"


# the column each breakdown groups, and how one group is said ("LinkedIn (6,394)")
_COLUMNS = {
    PostingBreakdown.COMPANY: ("company_name", "the companies with the most were"),
    PostingBreakdown.BOARD: ("regexp_replace(job_via, '^via ', '')", "the job boards they were found through were"),
    PostingBreakdown.TITLE: ("job_title_short", "by kind of job:"),
    PostingBreakdown.LOCATION: ("job_location", "the locations with the most were"),
    # the country as the store reads it (the source file's `job_country` put 2,680 postings in Sudan by a
    # crawl artifact; the store places rows by their own location text, advisor/data/README.md)
    PostingBreakdown.COUNTRY: ("country", "the countries with the most were"),
    # the month each was posted ("any seasonality?"): every month is named, the most first
    PostingBreakdown.MONTH: ("strftime(posted_at, '%B')", "by month posted, the most first:"),
}


class PostingCountQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="Role, e.g. 'data engineer'; empty = all data jobs.")
    country: str | None = Field(default=None, description="Country name or ISO code; empty = every country.")
    remote: bool | None = Field(default=None, description="True = work-from-home postings only.")
    by: PostingBreakdown | None = Field(default=None, description="Group the postings by this field.")
    top: int = Field(default=5, ge=1, le=15, description="How many groups to name.")
    pay: bool = Field(default=False, description="Also each group's median advertised yearly pay.")
    by_pay: bool = Field(default=False, description="Name the groups with the highest median advertised pay "
                         "instead of the most postings ('top-paying companies').")
    min_n: int = Field(default=10, ge=1, description="With `by_pay`: the fewest postings giving their own salary "
                       "a group needs to be ranked.")
    named: list[str] = Field(default_factory=list, description="With `by`='country': countries the asker named; "
                             "each one outside the top groups is said with its own count and place.")


class PostingCountResult(PostingSentence):
    query: PostingCountQuery
    n: int = 0
    groups: list[tuple[str, int]] = Field(default_factory=list)
    pay: list[tuple[str, int, float | None]] = Field(default_factory=list, description="per group: postings "
                                                     "with a yearly salary of their own, and their median")

    def _metadata(self) -> dict[str, Any]:
        return {"n": self.n, "subject": self.filter_text, "groups": self.groups, "pay": self.pay}


def count_postings(query: PostingCountQuery, store: Store) -> PostingCountResult:
    """The number of matching postings and, when asked, the largest groups of them. Never raises for bad input."""
    file = store.postings_file
    try:
        cond, shown, words = postings_population(store, query.role, query.country, remote=query.remote)
    except NormalizationError as exc:
        return PostingCountResult(query=query, ok=False, message=exc.message, dataset=file)
    row = store.fetchone(f"SELECT count(*) FROM postings WHERE {cond}")
    n = int(row[0]) if row else 0
    by = f", grouped by {query.by.value}" if query.by else ""
    result = PostingCountResult(query=query, ok=True, dataset=file, filter=shown + by, filter_text=words, n=n,
                                evidence_id=evidence_id(file, f"{shown}, count{by}"))
    result.text = f"The {POSTINGS_NAME} hold {fmt_n(n)} {words}."
    if query.by is None or n == 0:
        return result
    column, lead = _COLUMNS[query.by]
    if query.by_pay:
        return _ranked_by_pay(result, store, cond, column, words)
    top = MONTHS if query.by is PostingBreakdown.MONTH else int(query.top)
    result.groups = [(str(name), int(k)) for name, k in store.fetchall(
        f"SELECT {column} AS g, count(*) AS k FROM postings WHERE {cond} AND coalesce({column}, '') <> '' "
        f"GROUP BY g ORDER BY k DESC, g LIMIT {top}")]
    listed = ", ".join(f"{_said(name)} ({fmt_n(k)}, {fmt_pct(k / n)})" for name, k in result.groups)
    result.text = f"The {POSTINGS_NAME} hold {fmt_n(n)} {words}; {lead} {listed}."
    if query.by is PostingBreakdown.COUNTRY:
        result.text += "".join(_named_country(store, cond, name, result.groups) for name in query.named)
    if query.pay and result.groups:
        _pay_by_group(result, store, cond, column)
    return result


def _named_country(store: Store, cond: str, name: str, top: list[tuple[str, int]]) -> str:
    """A country the asker named, outside the top groups: its count and its place in the ranking, and the rows
    the source file puts there that their own location places elsewhere. Why: "Sudan has the second most
    postings" is a claim about one country; the top five alone leave the asker to infer that it is wrong."""
    try:
        country = resolve_country(name)
    except NormalizationError:
        return ""
    said = country.postings_name
    if any(group == said for group, _ in top):
        return ""
    row = store.fetchone(
        f"WITH g AS (SELECT country, count(*) AS k, rank() OVER (ORDER BY count(*) DESC) AS r FROM postings "
        f"WHERE {cond} AND country IS NOT NULL GROUP BY country) SELECT k, r, (SELECT count(*) FROM g) FROM g "
        "WHERE country = ?", [said])
    filed = store.fetchone(f"SELECT count(*) FROM postings WHERE {cond} AND job_country = ?", [said])
    k, place, places = (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)
    text = f" {said} has {fmt_n(k) if k else 'none of them'}" + (
        f", ranked {place} of {places} countries" if place else "")
    moved = (int(filed[0]) if filed else 0) - k
    if moved > 0:
        text += (f"; the source file lists {fmt_n(moved + k)} postings in {said}, but "
                 f"{'all' if not k else fmt_n(moved)} of them are placed elsewhere or nowhere by their own "
                 "location (a crawl artifact of the publisher)")
    return text + "."


MONTHS = 12  # a grouping by month names every month: a season is read from all of them
PAY_MIN_N = 5  # fewer postings with a salary than this in a group: no median for it
PAY_BASIS = f"job boards' placeholder amounts left out; hourly rates taken as {HOURS_PER_YEAR:,}-hour years"


def _said(name: str) -> str:
    """A group's name inside a sentence: "Snap Inc." without its full stop, which would end the sentence there."""
    return name.rstrip(".")


def _ranked_by_pay(result: PostingCountResult, store: Store, cond: str, column: str, words: str) -> PostingCountResult:
    """The groups whose postings advertise the highest median yearly pay, of those with at least `min_n`
    postings giving a salary of their own. Why: "top-paying companies for data scientists, only ones with 20+
    postings" ranks employers by pay; a median of two postings would top any such list."""
    query = result.query
    rows = store.fetchall(
        f"SELECT {column} AS g, count(*) AS k, quantile_cont(salary_yearly, 0.5) AS m FROM postings WHERE {cond} "
        f"AND {OWN_PAY} AND coalesce({column}, '') <> '' GROUP BY g HAVING count(*) >= {int(query.min_n)} "
        f"ORDER BY m DESC, g LIMIT {int(query.top)}")
    result.pay = [(str(g), int(k), float(m)) for g, k, m in rows]
    result.groups = [(g, k) for g, k, _ in result.pay]
    result.filter += f", ranked by median pay, at least {query.min_n} postings with a salary"
    if not rows:
        result.text = (f"No {query.by.value if query.by else 'group'} has {fmt_n(query.min_n)} or more of the "
                       f"{fmt_n(result.n)} {words} giving a salary of its own, so none is ranked by pay.")
        return result
    listed = "; ".join(f"{_said(g)} {fmt_money(m)} ({fmt_n(k)} postings)" for g, k, m in result.pay)
    result.text = (f"Of the {fmt_n(result.n)} {words} in the {POSTINGS_NAME}, the {_GROUP_NOUN[query.by]} with the "
                   f"highest median advertised yearly pay (at least {fmt_n(query.min_n)} postings giving a salary of "
                   f"their own; {PAY_BASIS}) were {listed}.")
    return result


_GROUP_NOUN = {PostingBreakdown.COMPANY: "companies", PostingBreakdown.BOARD: "job boards",
               PostingBreakdown.TITLE: "kinds of job", PostingBreakdown.LOCATION: "locations",
               PostingBreakdown.COUNTRY: "countries", PostingBreakdown.MONTH: "months"}


def _pay_by_group(result: PostingCountResult, store: Store, cond: str, column: str) -> None:
    """Each group's median advertised yearly pay, from its postings that give a salary of their own (a job
    board's placeholder amount left out). Why: "do LinkedIn jobs pay more than Indeed ones?" is a comparison
    of the groups' pay, which the count alone doesn't answer."""
    names = [name for name, _ in result.groups]
    rows = dict((str(g), (int(k), m)) for g, k, m in store.fetchall(
        f"SELECT {column} AS g, count(*), quantile_cont(salary_yearly, 0.5) FROM postings WHERE {cond} "
        f"AND {OWN_PAY} GROUP BY g"))
    result.pay = [(name, *rows.get(name, (0, None))) for name in names]
    said = [f"{_said(name)} {fmt_money(m)} ({fmt_n(k)} {'posting' if k == 1 else 'postings'})"
            if k >= PAY_MIN_N and m else f"{_said(name)} too few postings with a salary ({fmt_n(k)})"
            for name, k, m in result.pay]
    result.text += (" Median advertised yearly pay, from the postings that give a salary of their own "
                    f"({PAY_BASIS}): {'; '.join(said)}.")


def make_posting_count_tool(store: Store | None = None) -> Any:
    """`count_postings` as a LangChain tool returning (text, PostingCountResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "count_postings",
        "How many 2023 data-job postings match a role, country or remote filter, and, if `by` is given, which "
        "companies, job boards (board), kinds of job (title) or locations hold the most of them.",
        PostingCountQuery, count_postings, lambda r: r.text or r.message, store,
    )
