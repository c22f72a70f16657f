"""A figure the question asserts ("they earn $1 million, right?") is checked against the figures found.

A question that states a pay figure wants it confirmed or corrected, and an answer that only lists other
figures leaves the reader to notice the difference (or to read an unrelated "$300K" as a yes). The verdict
compares the asserted figure with the headline pay figures the data tools computed for the question: near a
median is a yes; outside every source's middle half, widened by a margin, is a no; in between the figures
speak for themselves. The verdict is said in the answer's first words, before the figure that supports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from advisor.agent.lexicon import lexicon
from advisor.text import content_words, figures
from advisor.types import Evidence

CONFIRM_WITHIN = 0.05  # a claim within 5% of a source's median is what that source says
OUTSIDE_MARGIN = 0.25  # beyond the middle half by more than a quarter: no source supports it
SHARE_WITHIN = 2.0  # percentage points: "about half" of 47.3% is a yes, 90% is a no
# words any career question shares with any passage ("jobs", "engineer", "percent"): no sign of one topic
_GENERIC = set(lexicon("en").words("topic_neutral")) | set(lexicon("en").words("share_words"))


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    UNCLEAR = "unclear"


class Position(StrEnum):
    """Where the asker's own pay (an offer, a salary) falls among a source's figures."""

    BELOW = "below"  # under the 25th percentile
    LOWER = "lower"  # 25th percentile to the median
    MEDIAN = "median"  # within CONFIRM_WITHIN of the median
    UPPER = "upper"  # the median to the 75th percentile
    ABOVE = "above"  # over the 75th percentile


OPENING = {
    Verdict.CONFIRMED: "Yes, that is close to what the sources show: ",
    Verdict.CONTRADICTED: "No, the sources show a different figure: ",
    Position.BELOW: "That is low, below the middle half of what the sources show: ",
    Position.LOWER: "That is within the usual range but below the median: ",
    Position.MEDIAN: "That is about the median: ",
    Position.UPPER: "That is within the usual range and above the median: ",
    Position.ABOVE: "That is high, above the middle half of what the sources show: ",
}


def position(own: Sequence[float], headline: Evidence | None, currency: str) -> Position | None:
    """Where the asker's figure falls in `headline`'s middle half (its 25th, 50th and 75th percentiles), when
    both are in the same currency and basis (a figure under 1,000 is an hourly rate, compared with hourly
    figures only); None when they can't be compared. The reader asked "is my 95k low?", so the answer's first
    words say so, before the figures that show it."""
    m = headline.metadata if headline else {}
    if not own or not all(isinstance(m.get(k), int | float) for k in ("p25", "median", "p75")) \
            or m.get("currency", "USD") != currency:
        return None
    p25, med, p75 = float(m["p25"]), float(m["median"]), float(m["p75"])
    mine = [x for x in own if (x < 1_000) == bool(m.get("per_hour"))]
    if len(mine) != 1:  # none comparable, or several (a base and a bonus): no single verdict
        return None
    x = mine[0]
    if abs(x - med) <= CONFIRM_WITHIN * med:
        return Position.MEDIAN
    if x < p25:
        return Position.BELOW
    if x > p75:
        return Position.ABOVE
    return Position.LOWER if x < med else Position.UPPER


def check_order(claimed_higher: int, comparison: Evidence, attributed: bool = False) -> Verdict:
    """The verdict on which of two sides the question says is paid more ("ML engineers get paid way more than
    data scientists, right?"), from the comparison that leads the answer (`compare.comparison_evidence`, its
    `higher_side`): the same side is a yes (not for someone else's claim), the other side or "about the same"
    a no; no comparison of two sides, no verdict."""
    m = comparison.metadata
    if m.get("sides") != 2 or "higher_side" not in m:
        return Verdict.UNCLEAR
    if m["higher_side"] == claimed_higher:
        # "way more" on a 9% gap is no clear yes: the sentence's own figures say how much, without a verdict
        clear = isinstance(m.get("gap"), int | float) and m["gap"] >= CLEAR_GAP
        return Verdict.CONFIRMED if clear and not attributed else Verdict.UNCLEAR
    return Verdict.CONTRADICTED


CLEAR_GAP = 0.10  # a claimed order is confirmed only where the higher side's median is this much above the other


SOURCE_MEDIAN_OFF = 0.10  # a median attributed to a source and this far from that source's own: not what it says


def check_source(claimed: Sequence[float], said_by: Sequence[Evidence]) -> Verdict:
    """The verdict on a median the question says a source gives ("BLS says the median is $150k"), from that
    source's own figure: within CONFIRM_WITHIN is a yes, more than SOURCE_MEDIAN_OFF away a no (it falls inside
    BLS's middle half, which is why the looser check of `check` can't tell)."""
    medians = [float(e.metadata["median"]) for e in said_by if isinstance(e.metadata.get("median"), int | float)
               and e.metadata.get("currency", "USD") == "USD"]
    if len(medians) != 1 or len(claimed) != 1:
        return Verdict.UNCLEAR  # several occupations, or several figures claimed: no single yes or no
    off = abs(claimed[0] - medians[0]) / medians[0]
    return Verdict.CONFIRMED if off <= CONFIRM_WITHIN else Verdict.CONTRADICTED if off > SOURCE_MEDIAN_OFF \
        else Verdict.UNCLEAR


def check(claimed: Sequence[float], headline: Sequence[Evidence], attributed: bool = False) -> Verdict:
    """The verdict on the pay figures a question asserts, from the headline pay evidence. A figure the question
    attributes to someone else ("the X report says") is never confirmed by other sources' figures being close:
    only a clear contradiction is said."""
    ranges = [(float(e.metadata["p25"]), float(e.metadata["median"]), float(e.metadata["p75"])) for e in headline
              if all(isinstance(e.metadata.get(k), int | float) for k in ("p25", "median", "p75"))
              and e.metadata.get("currency", "USD") == "USD"]  # "$300k?" is not checked against euros
    if not claimed or not ranges:
        return Verdict.UNCLEAR
    if not attributed and any(abs(x - med) <= CONFIRM_WITHIN * med for x in claimed for _, med, _ in ranges):
        return Verdict.CONFIRMED
    if all(x < lo * (1 - OUTSIDE_MARGIN) or x > hi * (1 + OUTSIDE_MARGIN) for x in claimed for lo, _, hi in ranges):
        return Verdict.CONTRADICTED
    return Verdict.UNCLEAR


def open_with(verdict: Verdict | Position | None, sentence: str) -> str:
    """`sentence` with the verdict said first ("No, the sources show a different figure: in the survey, ...")."""
    opening = OPENING.get(verdict) if verdict else None
    if not opening or not sentence:
        return sentence
    return opening + sentence[0].lower() + sentence[1:] if not sentence[:2].isupper() else opening + sentence


def check_share(claimed: Sequence[float], lead: str, question: str, attributed: bool = False) -> Verdict:
    """The verdict on a share the question asserts ("I heard 90% of AI jobs need a PhD, true?"), from the
    answer's lead sentence: a share in it near the claim is a yes; a different share is a no only when the lead
    is about the claim's own subject (it shares a specific word with the question, such as "PhD"), so a share
    of something else is never read as a correction."""
    shares = [float(f[:-1]) for f in figures(lead) if f.endswith("%")]
    if not claimed or not shares:
        return Verdict.UNCLEAR
    if any(abs(x - s) <= SHARE_WITHIN for x in claimed for s in shares):  # said by someone else: no yes from us
        return Verdict.UNCLEAR if attributed else Verdict.CONFIRMED
    subject = {w for w in content_words(question) if w not in _GENERIC and not w[0].isdigit()}
    if subject & set(content_words(lead)):
        return Verdict.CONTRADICTED
    return Verdict.UNCLEAR


def _shares_in_order(text: str) -> list[float]:
    """The percentages `text` states, in the order it states them (`figures` gives a set): the first is the one
    the sentence is about ("only 5.1% are entry-level, and even those show a 64% rate")."""
    found = [f for f in figures(text) if f.endswith("%")]
    at = {f: (text.find(f) if f in text else text.find(f[:-1])) for f in found}
    return [float(f[:-1]) for f in sorted(found, key=lambda f: (at[f] < 0, at[f]))]


def check_share_range(claimed: Sequence[tuple[float, float]], lead: str, question: str,
                      attributed: bool = False) -> Verdict:
    """The verdict on a share asserted in words ("most data jobs are remote, right?" claims 50-100%), from the
    lead's first share: inside the range is a yes (not for a claim someone else made), outside a no, but only
    when the lead is about the claim's subject (a word of the question's own, such as "remote")."""
    shares = _shares_in_order(lead)
    if not claimed or not shares:
        return Verdict.UNCLEAR
    subject = {w for w in content_words(question) if w not in _GENERIC and not w[0].isdigit()}
    if not subject & set(content_words(lead)):
        return Verdict.UNCLEAR
    if any(lo <= shares[0] <= hi for lo, hi in claimed):
        return Verdict.UNCLEAR if attributed else Verdict.CONFIRMED
    return Verdict.CONTRADICTED
