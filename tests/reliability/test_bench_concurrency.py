"""A small run of bench/concurrency.py: answers given concurrently must equal the same answers given alone.

Guards against a shared, non-thread-safe component silently changing answers
(a shared `pysbd.Segmenter` split one thread's passage with another thread's
text). Nothing raised and nothing leaked, so only comparing each answer with
the same question asked alone shows it. It also keeps the benchmark from rot.
"""

from __future__ import annotations

import json

from advisor import Advisor
from advisor.types import Answer, Citation
from bench.concurrency import QUESTIONS, differences, fingerprint, run, slack_fingerprint

# one of each kind: salary (role, level, country), skills, conditions, ranking, company pay, advice, definition,
# and a refusal; chosen by content so reordering QUESTIONS cannot silently shrink the mix
SMOKE = [q for q in QUESTIONS if q.startswith((
    "What does a senior machine learning engineer earn in Germany?",
    "Which skills do data engineer postings ask for most?",
    "How many data engineer jobs are remote?",
    "Which roles pay the most in the US?",
    "What does Meta pay data scientists?",
    "I'm a sysadmin, how do I get into AI engineering?",
    "What is retrieval-augmented generation?",
    "What is the average AI engineer salary in Zurich?",
))]


def test_smoke_mix_is_complete() -> None:
    assert len(SMOKE) == 8


def test_differences_name_what_changed() -> None:
    alone = Answer(text="AI engineers earn $140,000 [1]. Most postings ask for Python [2].",
                   citations=[Citation(1, "a.md", "t", "earn $140,000", 1.0), Citation(2, "b.csv", "t", "q", 1.0)])
    concurrent = Answer(text="AI engineers earn $140,000 [1].", citations=alone.citations[:1])
    diff = differences(fingerprint(alone), fingerprint(concurrent))
    assert set(diff) == {"text", "citations"}
    assert diff["text"] == ["-Most postings ask for Python [2]."]
    assert diff["citations"]["alone_len"] == 2 and diff["citations"]["concurrent_len"] == 1
    assert differences(fingerprint(alone), fingerprint(alone.to_dict())) == {}  # /ask JSON compares equal
    assert differences(slack_fingerprint("x", [{"type": "divider"}]), slack_fingerprint("x", [])) == {}


def test_concurrent_answers_equal_answers_alone(advisor: Advisor) -> None:
    """8 questions alone, then from 4 threads (2 rounds), asyncio.gather(aask), and 8 simultaneous Slack mentions."""
    result = run(advisor, SMOKE, ("threads", "async", "slack"), rounds=2, workers=4, slack_batch=8,
                 slack_how="thread", log=lambda _: None)
    modes = {m["mode"].split(" ")[0]: m for m in result["modes"]}
    assert set(modes) == {"alone-again", "threads", "asyncio.gather(aask)", "slack"}
    report = json.dumps([{k: m[k] for k in ("mode", "differing", "errors", "diffs", "error_samples")}
                         for m in result["modes"]], indent=1)
    for name, m in modes.items():
        assert m["errors"] == 0, report
        assert m["compared"] == (8 if name == "alone-again" else 16), report
        assert m["identical"] == m["compared"], report
    assert result["ok"]
