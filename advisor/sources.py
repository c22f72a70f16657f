"""How a cited source is named to a person: one formatter for the web page, the CLI and Slack.

Evidence carries the exact filter that produced its figures (`locator`) and the
data tools' titles end in it ("aijobs.net salary survey — job_title='…',
company_location='DE', duplicates=kept"). That string is what makes a figure
checkable, but as a source's *name* it reads as a database query. Here every
source gets two lines instead:

- `heading`: words only — the data set, who the rows are about, the years and
  how many rows ("aijobs.net salary survey · Senior Machine Learning Engineers
  in Germany · 2021–2024 · 18 responses"), or an article's title and publisher;
- `details`: the exact filter and the file, for whoever wants to check.

and, for data sources, a `summary` of the rows (median, quartiles, count) read
from the evidence's metadata, shown where an article would show its quote.
The headings are built from metadata the tools attach (`subject`, `n`, `year`,
figures), never parsed back out of the filter; what a source has no words for
is left out of the heading rather than shown as syntax.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict


class SourceKind(StrEnum):
    ARTICLE = "article"
    ARTICLE_FIGURE = "article_figure"
    POSTING = "posting"
    POSTING_STATS = "posting_stats"
    SALARY_DATA = "salary_data"
    BLS = "bls"




class Dataset(BaseModel):
    """A data set by the name a person knows it by, and what one of its rows is called."""

    model_config = ConfigDict(frozen=True)

    name: str
    row: str = ""
    rows: str = ""


SURVEY = Dataset(name="aijobs.net salary survey", row="response", rows="responses")
POSTINGS = Dataset(name="2023 job postings", row="posting", rows="postings")
# by the name the data tools put before the filter in Evidence.title (advisor/tools/salary.py), then by kind
DATASETS_BY_TOOL_NAME: dict[str, Dataset] = {
    "aijobs.net salary survey": SURVEY,
    "2023 data-job postings": POSTINGS,
    "BLS OEWS national wage estimates": Dataset(name="BLS wage table"),
}
DATASETS_BY_KIND: dict[SourceKind, Dataset] = {
    SourceKind.SALARY_DATA: SURVEY,
    SourceKind.POSTING_STATS: POSTINGS,
    SourceKind.POSTING: Dataset(name="2023 job posting"),
    SourceKind.BLS: Dataset(name="BLS wage table"),
}
KIND_LABELS: dict[SourceKind, str] = {
    SourceKind.ARTICLE: "Article",
    SourceKind.ARTICLE_FIGURE: "Article figure",
    SourceKind.POSTING: "Job posting",
    SourceKind.POSTING_STATS: "Job postings",
    SourceKind.SALARY_DATA: "Salary survey",
    SourceKind.BLS: "BLS table",
}
SEP = " · "
# what must never appear in a heading: filter operators and quoted values, SQL words, file names with hashes,
# and row counts written as "n=" (the test suites scan rendered pages with this same pattern)
INTERNAL_DETAIL = re.compile(
    r"=|~\*|\bIN \(|duplicates|\b\d{3}_[0-9a-f]{16}\b|\.csv\b|\.txt\b|\bn\s*=",
)


class Cited(Protocol):
    """What `describe` reads: both `types.Evidence` and `types.Citation` have these."""

    source: str
    title: str
    kind: str
    locator: str


class SourceView(BaseModel):
    """A source as people read it; `details` is the only field that holds the filter or the file name."""

    model_config = ConfigDict(frozen=True)

    kind: str
    kind_label: str
    heading: str
    details: str
    summary: str = ""  # the rows in words and figures (data sources only)


def _kind(value: str) -> SourceKind | None:
    try:
        return SourceKind(value)
    except ValueError:
        return None


def _meta(item: Cited) -> dict[str, Any]:
    """Citation.meta or Evidence.metadata, whichever the item has."""
    meta = getattr(item, "meta", None) or getattr(item, "metadata", None)
    return meta if isinstance(meta, dict) else {}


def _money(value: Any) -> str:
    return f"${float(value):,.0f}"


def _count(data: Dataset, n: Any) -> str:
    if not data.rows or not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        return ""
    return f"{n:,} {data.row if n == 1 else data.rows}"


def dataset(item: Cited, kind: SourceKind) -> Dataset:
    """Which data set a data source comes from: by the tool's name in its title, else by its kind."""
    return DATASETS_BY_TOOL_NAME.get(_title_head(item.title)) or DATASETS_BY_KIND.get(kind) or Dataset(name="Data")


def _title_head(title: str) -> str:
    """A data tool's title up to its filter: 'aijobs.net salary survey — job_title=…' → 'aijobs.net salary survey'."""
    return title.split(" — ", 1)[0].strip()


def _clean(text: str) -> str:
    """Drop any part of a heading that would show internal detail; keep the words around it."""
    parts = [p.strip() for p in text.split(SEP)]
    return SEP.join(p for p in parts if p and not INTERNAL_DETAIL.search(p))


def _article_heading(title: str, kind: SourceKind) -> str:
    if kind is SourceKind.ARTICLE_FIGURE:
        title = _title_head(title) + SEP + "salary figure stated in the article"
    return title


def _data_heading(item: Cited, kind: SourceKind, meta: dict[str, Any]) -> str:
    data = dataset(item, kind)
    if kind is SourceKind.POSTING:  # "Job posting: Senior ML Engineer — Acme"
        return data.name + SEP + item.title.removeprefix("Job posting:").strip().replace(" — ", " at ", 1)
    parts = [data.name, str(meta.get("subject") or "")]
    if meta.get("skill"):
        parts.append(f"skill: {meta['skill']}")
    year = str(meta.get("year") or "")
    if year and year not in parts[0]:
        parts.append(year)
    parts.append(_count(data, meta.get("n")))
    if kind is SourceKind.BLS and isinstance(meta.get("employment"), int):
        parts.append(f"{meta['employment']:,} employed")
    return SEP.join(p for p in parts if p)


def rows_summary(item: Cited) -> str:
    """The rows behind a data source in words: median and quartiles, or a skill's share, with the count."""
    kind, meta = _kind(item.kind), _meta(item)
    if kind is None or kind in (SourceKind.ARTICLE, SourceKind.ARTICLE_FIGURE):
        return ""
    bits: list[str] = []
    if meta.get("median") is not None:
        bits.append(f"median {_money(meta['median'])} a year")
        if meta.get("p25") is not None and meta.get("p75") is not None:
            bits.append(f"middle half {_money(meta['p25'])}–{_money(meta['p75'])}")
    elif meta.get("share") is not None:
        bits.append(f"listed in {float(meta['share']):.1%} of postings")
    elif meta.get("median_salary") is not None:
        bits.append(f"median posted salary {_money(meta['median_salary'])} a year")
    elif meta.get("salary_yearly") is not None:
        bits.append(f"posted salary {_money(meta['salary_yearly'])} a year")
    count = _count(dataset(item, kind), meta.get("n"))
    if meta.get("status") not in (None, "ok") and not bits:
        verb = "matches" if meta.get("n") == 1 else "match"
        return f"No figures shown: only {count} {verb}" if count else "No figures shown for these rows"
    if count and bits:
        bits.append(f"from {count}")
    text = ", ".join(bits)
    return text[:1].upper() + text[1:]


def describe(item: Cited) -> SourceView:
    """The plain heading, details line and rows summary of one Evidence or Citation."""
    kind = _kind(item.kind)
    meta = _meta(item)
    if kind is None or kind in (SourceKind.ARTICLE, SourceKind.ARTICLE_FIGURE):
        heading = _article_heading(item.title, kind or SourceKind.ARTICLE)
        where = f"Section: {item.locator}" if kind is SourceKind.ARTICLE and item.locator else item.locator
    else:
        heading = _data_heading(item, kind, meta)
        where = f"Filter: {item.locator}" if item.locator else ""
    details = SEP.join(p for p in (where, f"File: {item.source}" if item.source else "") if p)
    return SourceView(
        kind=item.kind,
        kind_label=KIND_LABELS.get(kind, "Source") if kind else "Source",
        heading=_clean(heading) or "Source",
        details=details,
        summary=rows_summary(item),
    )


def heading(item: Cited) -> str:
    return describe(item).heading


def has_internal_detail(text: str) -> bool:
    """True when `text` shows filter syntax, a hashed file name or an 'n=' count (for tests and checks)."""
    return bool(INTERNAL_DETAIL.search(text))
