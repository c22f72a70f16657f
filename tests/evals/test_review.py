"""The blind-review runner: questions load, follow-ups are asked in one conversation, counts add up."""

from __future__ import annotations

from evals import review


def test_review_questions_are_well_formed() -> None:
    cases = review.load_questions()
    assert len(cases) >= 60
    assert len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        assert c["question"].strip() and c["expected"].strip() and isinstance(c["should_decline"], bool)
    assert sum(c["should_decline"] for c in cases) >= 6
    assert sum(bool(c.get("history")) for c in cases) >= 8


def test_ask_case_asks_the_history_first_in_one_thread(advisor) -> None:  # type: ignore[no-untyped-def]
    case = {"id": "t-1", "kind": "pay", "question": "and in the UK?", "expected": "-", "should_decline": False,
            "history": ["What does a data scientist earn in the US?"]}
    row = review.ask_case(advisor, case)
    assert not row["refused"], row["answer"]
    assert "United Kingdom" in row["answer"] or "UK" in row["answer"]
    counts = review.summary([row, {**row, "refused": True, "should_decline": True}])
    assert counts == {"questions": 2, "should_decline_declined": 1, "should_decline": 1, "wrong_declines": 0,
                      "median_words": row["words"], "with_internal_detail": 2 * int(bool(row["internal_details"]))}
    assert "and in the UK?" in review.to_markdown([row])
    # each source as the surfaces name it: the plain heading, the filter only as its details
    from advisor.sources import has_internal_detail

    data = [c for c in row["citations"] if "=" in c["title"]]
    assert data, row["citations"]
    assert all(not has_internal_detail(c["heading"]) and c["details"] for c in data), data
    shown = review.to_markdown([row])
    assert all(f"] {c['heading']}:" in shown for c in data), shown


def test_user_turns_reads_plain_strings_and_chat_turns() -> None:
    """Sets store history either way; only the asker's side is asked again."""
    chat = [{"role": "user", "content": "What does a data scientist earn?"},
            {"role": "assistant", "content": "About $150,000."}, {"role": "user", "content": "and in the UK?"}]
    assert review.user_turns(chat) == ["What does a data scientist earn?", "and in the UK?"]
    assert review.user_turns(["one", "two"]) == ["one", "two"]
