"""Conversations: follow-ups use the thread's history; threads never see each other; memory persists."""

from advisor import Advisor


def test_followup_is_resolved_from_history(advisor: Advisor):
    first = advisor.ask("What do AI engineers earn in Germany?", thread_id="mem-a")
    assert not first.refused
    follow = advisor.ask("and in the UK?", thread_id="mem-a")
    assert follow.question == "What do AI engineers earn in the United Kingdom?"
    assert follow.intent == "salary"
    assert any("company_location='GB'" in c.locator for c in follow.citations)


def test_threads_are_isolated(advisor: Advisor):
    advisor.ask("What do AI engineers earn in Germany?", thread_id="iso-1")
    other = advisor.ask("and in the UK?", thread_id="iso-2")
    assert other.question == "and in the UK?"  # nothing to resolve it against in its own thread
    assert all("Germany" not in m["content"] for m in advisor.history("iso-2"))
    assert [m["role"] for m in advisor.history("iso-1")] == ["user", "assistant"]


def test_memory_survives_a_new_process(advisor: Advisor):
    advisor.ask("What does an ML engineer earn in the US?", thread_id="persist-1")
    fresh = Advisor(advisor.settings)  # same data dir: same SQLite checkpointer
    follow = fresh.ask("and in Germany?", thread_id="persist-1")
    assert follow.question == "What does an ML engineer earn in Germany?"
    assert len(fresh.history("persist-1")) == 4


def test_one_shot_questions_leave_no_thread_behind(advisor: Advisor):
    ans = advisor.ask("What is an AI engineer?")
    assert ans.thread_id is None
