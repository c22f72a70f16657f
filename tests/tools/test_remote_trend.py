"""The survey's fully remote share by year, re-computed with pandas."""

from __future__ import annotations

import pandas as pd

from advisor.data.store import Store
from advisor.tools.remote_trend import RemoteTrendQuery, remote_share_by_year
from advisor.tools.salary import fmt_n


def test_remote_share_by_year_matches_pandas(store: Store, salaries_df: pd.DataFrame) -> None:
    de = salaries_df[(salaries_df.job_title == "Data Engineer") & (salaries_df.company_location == "US")]
    latest = store.survey_latest_full_year()
    by_year = de[de.work_year <= latest].groupby("work_year").remote_ratio.agg(
        remote=lambda s: int((s == 100).sum()), n="size")
    by_year = by_year[by_year.n >= 30]
    result = remote_share_by_year(RemoteTrendQuery(role="data engineer", country="US"), store)
    assert [(y.year, y.remote, y.n) for y in result.years] == list(
        zip(by_year.index, by_year.remote, by_year.n, strict=True))
    for y in result.years:
        assert f"{y.year}: {y.share:.0%} of {fmt_n(y.n)}" in result.text
    assert "fell" in result.text and result.evidence()[0].text == result.text


def test_too_few_responses_a_year_say_so(store: Store) -> None:
    result = remote_share_by_year(RemoteTrendQuery(role="prompt engineer", country="Germany"), store)
    assert not result.ok and "too few" in result.message and result.evidence() == []


def test_the_model_can_call_it(store: Store) -> None:
    from advisor.tools.remote_trend import RemoteTrendResult, make_remote_trend_tool

    out = make_remote_trend_tool(store).invoke({"name": "remote_share_by_year", "id": "1", "type": "tool_call",
                                                "args": {"role": "data scientist"}})
    assert isinstance(out.artifact, RemoteTrendResult) and out.artifact.ok and out.content == out.artifact.text



def test_a_country_too_thin_per_year_gets_every_countrys_trend_said_as_such(store_settings) -> None:
    """"Has remote gotten rarer over the last few years?" from Ireland: the survey has too few Irish responses a
    year, so the every-country trend answers, with a note saying whose it is."""
    from advisor.agent.interpret import interpret
    from advisor.agent.tools import Toolbox

    reading = interpret("I want a fully remote data job (I live in Ireland). Has remote gotten rarer over the last "
                        "few years?")
    out = Toolbox(store_settings, retriever=None).conditions(reading)  # type: ignore[arg-type]
    assert any("working fully remote" in e.text and "Ireland" not in e.text for e in out.evidence), out.evidence
    assert any("every country" in n and "Ireland" in n for n in out.notices), out.notices
