"""The answer to a comparison: which side pays more, and by how much, from one source every side has.

A question that sets two roles, places, levels or years side by side asks for a difference. Listing each side's
figures (one line per source) leaves the subtraction to the reader, and the figures of different sources
are not comparable with each other (a survey's total pay against a posting's base pay). So the comparison is
made inside one source: the one the question names, else the first of survey, postings and BLS that has a
median for every side, and said first, with both medians it comes from.

The sentence is a data figure like the tools' own: it is its own `Evidence` (same data set and kind as the
figures it is computed from, their filters in its locator, their ids in `metadata["compared"]`), so the
grounding check and the sources panel treat it as one more computed row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from advisor.config import SURVEY_SNAPSHOT
from advisor.tools.pay_trend import FLAT  # a change under this share of the earlier median: "about flat"
from advisor.tools.salary import fmt_money, fmt_money_cents
from advisor.types import Evidence

# the order sources are tried in when the question names none: the survey has levels and years, the postings
# levels by title, BLS only all-levels US figures
COMPARED_KINDS = ("salary_data", "posting_stats", "bls")
IN_SOURCE = {
    "salary_data": "In the aijobs.net salary survey",
    "posting_stats": "In the 2023 job postings",
    "bls": "In the BLS wage estimates",
}
ABOUT_THE_SAME = 0.05  # medians closer than this (relative to the lower) are "about the same"
MIN_OWN = 5  # postings giving a salary of their own a side needs for a like-for-like comparison


def _median(e: Evidence) -> float | None:
    value = e.metadata.get("median")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _like_for_like(picked: Sequence[Evidence]) -> tuple[list[float], str]:
    """Each side's median on one basis, and the words that say which: where a side's postings figure leaves a
    job board's placeholder amounts out (half or more of its postings carry them), every side's does, or one
    side's real pay would be set against another's filler."""
    if any(e.metadata.get("placeholders_left_out") for e in picked) and all(
            isinstance(e.metadata.get("median_own"), int | float) and (e.metadata.get("n_own") or 0) >= MIN_OWN
            for e in picked):
        return [float(e.metadata["median_own"]) for e in picked], \
            " (each side's job-board placeholder amounts left out)"
    return [_median(e) or 0.0 for e in picked], ""


def _names(picked: Sequence[Evidence]) -> list[str] | None:
    """What each side is called: its subject ("Senior Data Scientists in the United States"), with the years
    where only they differ; None when the sides can't be told apart in words."""
    names = [str(e.metadata.get("subject") or "") for e in picked]
    if len(set(names)) < len(names):
        names = [f"{n} ({e.metadata.get('year')})" for n, e in zip(names, picked, strict=True)]
    return names if all(names) and len(set(names)) == len(names) else None


def _sentence(kind: str, ranked: list[tuple[str, float]], money: Callable[[float], str] = fmt_money) -> str:
    (top, high), (second, low) = ranked[0], ranked[1]
    where = IN_SOURCE[kind]
    if len(ranked) > 2:
        rest = ", ".join(f"{name} ({money(m)})" for name, m in ranked[1:-1])
        last, m_last = ranked[-1]
        return (f"{where}, {top} have the highest median ({money(high)}), then {rest} and {last} "
                f"({money(m_last)}).")
    gap = high - low
    if low <= 0 or gap / low < ABOUT_THE_SAME:
        # the gap in percent too: "remote pays 30% less, right?" is then answered by this sentence's share
        apart = f" ({gap / low:.0%} apart)" if low > 0 else ""
        return (f"{where}, {top} and {second} earn about the same{apart}: a median of {money(high)} against "
                f"{money(low)}.")
    return (f"{where}, the median for {top} is {money(gap)} ({gap / low:.0%}) higher than for {second}: "
            f"{money(high)} against {money(low)}.")


def _over_time(kind: str, picked: Sequence[Evidence], money: Callable[[float], str] = fmt_money) -> str | None:
    """Two years of one population: how its median moved, earlier year first; None unless only the years differ."""
    years = [str(e.metadata.get("year") or "") for e in picked]
    # a subject may carry its year ("Data Scientists (all countries) in 2022"): the population is the rest
    subjects = {str(e.metadata.get("subject") or "").replace(f" in {y}", "")
                for e, y in zip(picked, years, strict=True)}
    if len(picked) != 2 or len(subjects) != 1 or not all(years) or years[0] == years[1]:
        return None
    (y0, m0), (y1, m1) = sorted(zip(years, [_median(e) or 0.0 for e in picked], strict=True))
    if m0 <= 0:
        return None
    change = "stayed about flat," if abs(m1 - m0) / m0 < FLAT else "rose" if m1 > m0 else "fell"
    text = (f"{IN_SOURCE[kind]}, the median for {subjects.pop()} {change} from {money(m0)} in {y0} to "
            f"{money(m1)} in {y1} ({'+' if m1 >= m0 else '-'}{money(abs(m1 - m0))}, "
            f"{abs(m1 - m0) / m0:.0%}).")
    return text + _partial_year(kind, picked)


def _partial_year(kind: str, picked: Sequence[Evidence]) -> str:
    """" The 2025 responses run only to 19 January (32 of them) ...": a change into the survey's snapshot year
    is a few weeks of answers against a whole year, said beside the change so it is not read as a rise or a
    crash."""
    late = [e for e in picked if kind == "salary_data" and str(e.metadata.get("year")) == str(SURVEY_SNAPSHOT.year)]
    if not late:
        return ""
    n = late[0].metadata.get("n")
    count = f" ({n:,} of them)" if isinstance(n, int) else ""
    return (f" The survey's {SURVEY_SNAPSHOT.year} responses run only to {SURVEY_SNAPSHOT.day} "
            f"{SURVEY_SNAPSHOT:%B}{count}: too early to show a change for {SURVEY_SNAPSHOT.year}.")


def _picked(sides: Sequence[Sequence[Evidence]], kind: str) -> list[Evidence] | None:
    """Each side's figure from `kind`, or None when a side has none or two sides share one population."""
    picked = [next((e for e in side if e.kind == kind and _median(e) is not None), None) for side in sides]
    if any(e is None for e in picked):
        return None
    found = [e for e in picked if e is not None]
    return found if len({e.id for e in found}) == len(found) else None


def comparison_evidence(sides: Sequence[Sequence[Evidence]], preferred: str | None = None) -> Evidence | None:
    """One sentence saying which side's median is higher and by how much (or the order of three), from the
    preferred source when every side has it, else the first in `COMPARED_KINDS` that does; None when no one
    source covers every side."""
    if len(sides) < 2:
        return None
    for kind in ([preferred] if preferred in COMPARED_KINDS else []) + list(COMPARED_KINDS):
        picked = _picked(sides, kind)
        names = _names(picked) if picked else None
        if not picked or not names:
            continue
        medians, basis = _like_for_like(picked)
        ranked = sorted(zip(names, medians, strict=True), key=lambda x: -x[1])
        money = fmt_money_cents if any(e.metadata.get("per_hour") for e in picked) else fmt_money  # $40.50 an hour
        text = (_over_time(kind, picked, money) or _sentence(kind, ranked, money)).removesuffix(".") + basis + "."
        first = picked[0]
        high, low = max(medians), min(medians)
        gap = (high - low) / low if low > 0 else None
        # which side is higher, in the sides' order (None: about the same), for a claimed order to be checked
        higher = None if gap is None or gap < ABOUT_THE_SAME else medians.index(high)
        return Evidence(
            id=f"compare:{'+'.join(e.id for e in picked)}", text=text, source=first.source,
            title=first.title.split(" — ", 1)[0] + " — " + " vs ".join(names), kind=first.kind,
            locator=" | ".join(e.locator for e in picked),
            metadata={"subject": " vs ".join(names), "compared": [e.id for e in picked],
                      "year": first.metadata.get("year"), "higher_side": higher, "sides": len(picked),
                      "gap": gap})
    return None


SHARES_ABOUT_THE_SAME = 2.0  # percentage points: closer shares are "about as often"


def skill_share_verdict(shares: Sequence[tuple[str, float, Evidence]], postings: str) -> Evidence | None:
    """"Tableau or Power BI?": which skill the postings list more often, with both shares, said first.

    `shares` holds (skill, share in [0, 1], the share's own evidence), all of the same postings (`postings`, in
    words: "Data Analyst or Senior Data Analyst postings"); None for fewer than two skills."""
    if len(shares) < 2:
        return None
    ranked = sorted(shares, key=lambda s: -s[1])
    (top, first, _), (second, other, _) = ranked[0], ranked[1]
    pct = [f"{100 * x:.1f}%" for _, x, _ in ranked]
    if 100 * (first - other) < SHARES_ABOUT_THE_SAME:
        text = f"In 2023 {postings}, {top} and {second} are listed about as often: {pct[0]} against {pct[1]}."
    elif len(ranked) == 2:
        text = f"In 2023 {postings}, {top} is listed more often than {second}: {pct[0]} against {pct[1]}."
    else:
        rest = ", ".join(f"{name} ({p})" for (name, _, _), p in zip(ranked[1:], pct[1:], strict=True))
        text = f"In 2023 {postings}, {top} is listed most often ({pct[0]}), then {rest}."
    evs = [e for _, _, e in ranked]
    return Evidence(id="compare:" + "|".join(e.id for e in evs), text=text, source=evs[0].source,
                    title=evs[0].title, kind=evs[0].kind, locator="; ".join(e.locator for e in evs),
                    metadata={"compared": [e.id for e in evs], "subject": postings})
