"""Block Kit rendering, message cleaning, dedupe and rate limiting: the parts that need no server."""

from __future__ import annotations

import threading

from advisor.slack import RateLimiter, TTLCache, clean_text, render_answer
from advisor.types import Answer, Chart, Citation
from tests.slack.slack_harness import block_texts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _huge_answer() -> Answer:
    text = " ".join(f"Claim {i} about R&D <pay> & skills [{i % 5 + 36}]." for i in range(900))  # ~40k chars
    citations = [
        Citation(n=i, source=f"{i:03d}_source.txt", title="T&C <title> " * 30, quote="quote & <more> " * 500,
                 score=0.5, locator="Section " * 40)
        for i in range(1, 41)
    ]
    rows = [{"label": f"row {i} " * 10, "p25": 1000.0 * i, "median": 2000.0 * i, "p75": 3000.0 * i, "n": i,
             "year": "2024", "source": "s.csv"} for i in range(20)]
    return Answer(text=text, citations=citations, notices=["note & <notice> " * 100] * 8,
                  charts=[Chart(kind="salary_ranges", title="Salary ranges — AI engineer", rows=rows)])


def test_every_block_respects_slack_limits():
    text, blocks = render_answer(_huge_answer())
    texts = block_texts(blocks)
    assert len(blocks) <= 50 and len(text) <= 3000
    assert all(0 < len(t) <= 3000 for t in texts)
    assert not any("<" in t or ">" in t for t in texts)  # escaped: a stray < would start a Slack link
    assert any("R&amp;D" in t for t in texts)
    assert any(t.startswith("*[40]*") for t in texts)  # cited in the text, so listed even past the cap
    assert texts[-1].startswith("…and ") and texts[-1].endswith("more sources")
    table = next(t for t in texts if "```" in t)
    assert "$2,000" in table and "(+12 more rows)" in table


def test_salary_table_keeps_the_tools_figures():
    rows = [{"label": "aijobs.net survey", "p25": 124805.0, "median": 166000.0, "p75": 212000.0, "n": 565,
             "year": "2023–2025"},
            {"label": "BLS 15-1252 Software Developers", "p25": 103050.0, "median": 133080.0, "p75": 169000.0,
             "n": None, "year": "2024"}]
    answer = Answer(text="Median $166,000 [1].", charts=[Chart(kind="salary_ranges", title="Salary", rows=rows)],
                    citations=[Citation(n=1, source="salaries.csv", title="survey", quote="median $166,000",
                                        score=1.0)])
    _, blocks = render_answer(answer)
    table = next(t for t in block_texts(blocks) if "```" in t)
    for figure in ("$124,805", "$166,000", "$212,000", "565", "$133,080"):
        assert figure in table


def test_mention_and_slack_markup_are_removed_from_the_question():
    raw = "<@UBOT>  what does <https://example.com/x|this post> say about R&amp;D &lt;pay&gt;? cc <@U123|ann>"
    assert clean_text(raw, "UBOT") == "what does this post say about R&D <pay>? cc someone"
    assert clean_text("<@UBOT|advisor> hi <#C1|general>", "UBOT") == "hi #general"


def test_dedupe_cache_forgets_after_its_ttl_and_is_thread_safe():
    clock = Clock()
    cache = TTLCache(60, clock=clock)
    assert cache.add("Ev1") and not cache.add("Ev1")
    clock.now += 61
    assert cache.add("Ev1")
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(cache.add("Ev2"))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    small = TTLCache(60, max_keys=3, clock=clock)
    for key in "abcd":
        small.add(key)
    assert len(small) == 3 and small.add("a")  # the oldest key made room


def test_rate_limiter_window_slides():
    clock = Clock()
    limiter = RateLimiter(2, 60, clock=clock)
    assert limiter.allow("u") and limiter.allow("u") and not limiter.allow("u")
    assert limiter.allow("someone else")
    clock.now += 60.5
    assert limiter.allow("u")
    assert all(RateLimiter(0, clock=clock).allow("u") for _ in range(100))  # 0 = unlimited
