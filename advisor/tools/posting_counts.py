"""count_postings: how many 2023 postings match, and which companies, job boards, titles or places hold most.

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

from advisor.data.normalize import NormalizationError
from advisor.data.store import Store
from advisor.tools.posting_sentence import PostingSentence, postings_population
from advisor.tools.salary import (
    POSTINGS_NAME,
    evidence_id,
    fmt_n,
    fmt_pct,
)


class PostingBreakdown(StrEnum):
    """The field postings are grouped by, named as people ask ("which companies", "which job boards")."""

    COMPANY = "company"
    BOARD = "board"
    TITLE = "title"
    LOCATION = "location"


# the column each breakdown groups, and how one group is said ("LinkedIn (6,394)")
_COLUMNS = {
    PostingBreakdown.COMPANY: ("company_name", "the companies with the most were"),
    PostingBreakdown.BOARD: ("regexp_replace(job_via, '^via ', '')", "the job boards they were found through were"),
    PostingBreakdown.TITLE: ("job_title_short", "by kind of job:"),
    PostingBreakdown.LOCATION: ("job_location", "the locations with the most were"),
}


class PostingCountQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="Role, e.g. 'data engineer'; empty = all data jobs.")
    country: str | None = Field(default=None, description="Country name or ISO code; empty = every country.")
    remote: bool | None = Field(default=None, description="True = work-from-home postings only.")
    by: PostingBreakdown | None = Field(default=None, description="Group the postings by this field.")
    top: int = Field(default=5, ge=1, le=15, description="How many groups to name.")


class PostingCountResult(PostingSentence):
    query: PostingCountQuery
    n: int = 0
    groups: list[tuple[str, int]] = Field(default_factory=list)

    def _metadata(self) -> dict[str, Any]:
        return {"n": self.n, "subject": self.filter_text, "groups": self.groups}


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
    result.groups = [(str(name), int(k)) for name, k in store.fetchall(
        f"SELECT {column} AS g, count(*) AS k FROM postings WHERE {cond} AND coalesce({column}, '') <> '' "
        f"GROUP BY g ORDER BY k DESC, g LIMIT {int(query.top)}")]
    listed = ", ".join(f"{name} ({fmt_n(k)}, {fmt_pct(k / n)})" for name, k in result.groups)
    result.text = f"The {POSTINGS_NAME} hold {fmt_n(n)} {words}; {lead} {listed}."
    return result


def make_posting_count_tool(store: Store | None = None) -> Any:
    """`count_postings` as a LangChain tool returning (text, PostingCountResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "count_postings",
        "How many 2023 data-job postings match a role, country or remote filter, and, if `by` is given, which "
        "companies, job boards (board), kinds of job (title) or locations hold the most of them.",
        PostingCountQuery, count_postings, lambda r: r.text or r.message, store,
    )
