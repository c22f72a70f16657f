"""What the postings tools that answer with shares, counts or rankings share: the postings a question narrows to
(`postings_population`), and the result shape of a tool whose answer is one citable sentence (`PostingSentence`).

Why one base: each such tool returns the same things (whether it could answer, why not, the exact filter for the
sources panel, the sentence in plain words, its evidence id), and the agent turns each into one `Evidence` the
same way; only the metadata the sentence carries differs (`_metadata`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from advisor.data.normalize import NormalizationError, resolve_country
from advisor.data.store import Store
from advisor.tools.salary import (
    EVERY_ROLE,
    POSTINGS_NAME,
    SURVEY_NAME,
    ResolvedFilters,
    postings_filter,
    resolve_filters,
    sql_list,
    sql_quote,
    survey_filter,
)
from advisor.types import Evidence

ALL_ROWS = "all rows"  # the exact filter shown when a question narrows the postings to nothing


def postings_population(store: Store, role: str | None, country: str | None, *, remote: bool | None = None,
                        experience: str | None = None) -> tuple[str, str, str]:
    """The postings a question is about, as (SQL condition, exact filter, plain words: "Data Engineer or Senior
    Data Engineer postings, in Germany", "remote data-job postings in Germany"): a role's by its title classes,
    else all data jobs; raises NormalizationError for a role, country or level that can't be read."""
    if role:
        f = resolve_filters(store, role, country=country, remote=remote, experience=experience)
        pf = postings_filter(store, f)
        if pf is None:
            raise NormalizationError(f"The postings have no class or title pattern for {f.role.label}.")
        return pf[0], pf[1], pf[2]
    if experience:
        raise NormalizationError("An experience level needs a role: postings are classed by title.")
    conds, shown, words = ["TRUE"], [ALL_ROWS], ["data-job postings"]
    if country:
        c = resolve_country(country)
        conds, shown = [f"country_iso2 = {sql_quote(c.iso2)}"], [f"country='{c.iso2}'"]
        words.append(f"in {c.name}")  # how the country was read is in the store's docs
    if remote is not None:
        conds.append(f"remote = {'true' if remote else 'false'}")
        shown.append(f"job_work_from_home={remote}")
        words.insert(0, "remote" if remote else "on-site")
    return " AND ".join(conds), ", ".join(shown), " ".join(words)


def survey_population(store: Store, role: str | None, *, country: str | None = None, experience: str | None = None,
                      year: int | None = None) -> tuple[list[str], list[str], ResolvedFilters]:
    """The survey rows a question is about, as (SQL conditions, exact filter, the filters read): a role's job
    titles, else every title; and its country, level and year as the salary lookup reads them
    (`survey_filter`). Raises NormalizationError for what can't be read, or a role the survey has no title for."""
    f = resolve_filters(store, role or EVERY_ROLE, country=country, experience=experience, year=year)
    conds, shown = survey_filter(f)
    if role:
        if not f.role.salary_titles:
            raise NormalizationError(f"The survey has no job title for {f.role.label}.")
        titles = f"job_title IN {sql_list(f.role.salary_titles)}"
        conds, shown = [titles, *conds], [titles, *shown]
    return conds or ["TRUE"], shown or [ALL_ROWS], f


class PostingSentence(BaseModel):
    ok: bool
    message: str = ""
    dataset: str = ""
    filter: str = ""
    filter_text: str = ""
    text: str = ""
    evidence_id: str = ""

    def _metadata(self) -> dict[str, Any]:
        return {"subject": self.filter_text}

    def evidence(self) -> list[Evidence]:
        """The sentence as one citable row of the postings; none when the tool could not answer."""
        if not self.ok:
            return []
        return [Evidence(id=self.evidence_id, text=self.text, source=self.dataset, title=POSTINGS_NAME,
                         kind="posting_stats", locator=self.filter, metadata=self._metadata())]


class SurveySentence(PostingSentence):
    """The same one-sentence result, from the salary survey's rows (remote share by year, countries ranked)."""

    def evidence(self) -> list[Evidence]:
        """The sentence as one citable row of the survey; none when the tool could not answer."""
        if not self.ok:
            return []
        return [Evidence(id=self.evidence_id, text=self.text, source=self.dataset, title=SURVEY_NAME,
                         kind="salary_data", locator=self.filter, metadata=self._metadata())]
