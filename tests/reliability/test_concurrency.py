"""Questions asked at the same time get the answers they get alone; turns of one conversation are all kept.

Before: the process shared one `pysbd.Segmenter`, which keeps the text it splits on itself, so concurrent
questions split each other's sentences and the grounding check then removed valid claims (25 of 40 answers
differed from the same question asked alone). Concurrent turns on one thread id each started from the same
saved history, and the last save won (8 asks, 1 turn kept).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from advisor import Advisor, Answer

QUESTIONS = [
    "What does a senior ML engineer earn in Germany?",  # salary: survey, BLS and article figures
    "What skills do machine learning engineer postings ask for most?",  # skills tool
    "I'm a sysadmin, how do I get into AI engineering?",  # advice: several retrievals
    "What is an AI engineer?",  # factual
    "What does Meta pay data scientists?",  # company pay
    "What percent of AI engineer postings ask for AI agents?",
    "Which roles pay the most in the US?",  # ranking
    "How many data jobs are remote?",  # posting conditions
    "What do data engineers earn in the UK compared with Germany?",  # comparison
]
ROUNDS = 3


def fingerprint(answer: Answer) -> tuple[Any, ...]:
    """What a person sees: the text, each citation (number, source, quote, locator) and whether it refused."""
    return answer.text, [(c.n, c.source, c.quote, c.locator) for c in answer.citations], answer.refused


def test_concurrent_questions_get_the_answers_they_get_alone(advisor: Advisor):
    alone = {q: fingerprint(advisor.ask(q)) for q in QUESTIONS}
    assert sum(not a[2] for a in alone.values()) >= 6  # mostly real answers, not refusals that all look alike
    jobs = [QUESTIONS[(i + r) % len(QUESTIONS)] for r in range(ROUNDS) for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: (q, fingerprint(advisor.ask(q))), jobs))
    differ = [q for q, got in together if got != alone[q]]
    assert not differ, f"{len(differ)} of {len(together)} answers differ from the same question alone: {differ}"


def test_gathered_async_questions_get_the_answers_they_get_alone(advisor: Advisor):
    alone = {q: fingerprint(advisor.ask(q)) for q in QUESTIONS}

    async def ask_all() -> list[Answer]:
        return await asyncio.gather(*(advisor.aask(q) for q in QUESTIONS + QUESTIONS[::-1]))

    answers = asyncio.run(ask_all())
    differ = [q for q, a in zip(QUESTIONS + QUESTIONS[::-1], answers, strict=True) if fingerprint(a) != alone[q]]
    assert not differ, f"{len(differ)} of {len(answers)} answers differ: {differ}"


def test_concurrent_turns_on_one_thread_are_all_kept(advisor: Advisor):
    thread = "concurrent-one-thread"
    asks = [f"What do AI engineers earn in {c}?" for c in
            ("Germany", "France", "Canada", "India", "Spain", "Italy", "Japan", "Brazil")]
    start = threading.Barrier(len(asks))

    def ask(q: str) -> Answer:
        start.wait()
        return advisor.ask(q, thread_id=thread)

    with ThreadPoolExecutor(len(asks)) as pool:
        answers = list(pool.map(ask, asks))
    history = advisor.history(thread)
    assert [m["role"] for m in history] == ["user", "assistant"] * len(asks)
    assert sorted(m["content"] for m in history if m["role"] == "user") == sorted(asks)
    by_question = {a.question: a.text for a in answers}  # each saved answer follows its own question
    assert all(by_question[q["content"]] == a["content"] for q, a in zip(history[::2], history[1::2], strict=True))
    assert len(advisor.turn_locks) == 0  # a thread's lock goes when its last turn leaves


def test_a_stream_left_unfinished_releases_its_thread(advisor: Advisor):
    thread = "abandoned-stream"
    events = advisor.stream("What is an AI engineer?", thread_id=thread)
    next(events)  # the turn holds the thread's lock now
    assert len(advisor.turn_locks) == 1
    events.close()  # the page went away mid-answer
    assert len(advisor.turn_locks) == 0
    assert not advisor.ask("What is an AI engineer?", thread_id=thread).refused  # not blocked
