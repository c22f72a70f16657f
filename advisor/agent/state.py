"""The graph's state. `messages` persists across turns (the checkpointer keeps it
per thread); every other field belongs to the current turn and is reset by the
input of each run. Evidence travels as plain dicts so any checkpointer can
serialise it.

`messages` is a window, not a log: each checkpoint stores the whole state, so a
history that only grew made every saved turn bigger than the last (the 30th
checkpoint of one conversation was 48 KB). Follow-ups need only recent turns;
`state_schema(n)` is the state whose `messages` keeps the last `n`."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Annotated, Any, TypedDict, get_type_hints

Messages = list[dict[str, Any]]


class AgentState(TypedDict, total=False):
    # {"role", "content", "standalone"?}; the graph's schema (state_schema) keeps only the last N of them
    messages: Annotated[Messages, operator.add]
    question: str  # as the user wrote it (after the input guard)
    standalone: str  # rewritten to stand alone (follow-ups), what retrieval sees
    intent: str
    interpretation: dict[str, Any]  # interpret.Interpretation as a dict: the turn's one reading of the question
    verdict: str  # input guard verdict
    notices: list[str]
    tool_notices: list[str]  # the notices the data tools added (about figures: moot when the answer declines)
    shortfall: list[str]  # lookups that found rows, too few for a figure, in words: what a decline then says
    evidence: list[dict[str, Any]]  # Evidence as dicts, in citation-candidate order
    retrieved_ids: list[str]  # the hybrid retriever's ranking (passages only): what retrieval metrics score
    tool_ids: list[str]  # ids of evidence computed by the data tools for this question
    lead_ids: list[str]  # headline statistics the offline answer opens with
    charts: list[dict[str, Any]]
    answer: str
    citations: list[dict[str, Any]]
    refused: bool
    support: float
    removed_claims: list[str]
    backend: str
    timings: dict[str, float]


def recent_messages(limit: int) -> Callable[[Messages, Messages], Messages]:
    """The `messages` reducer: append the turn's messages, keep the last `limit`."""
    if limit < 1:
        raise ValueError(f"a conversation must keep at least one message, not {limit}")

    def keep_recent(old: Messages, new: Messages) -> Messages:
        return (list(old or []) + list(new or []))[-limit:]

    return keep_recent


def state_schema(max_messages: int) -> type:
    """`AgentState` with a `messages` window of `max_messages` (what the graph is built on)."""
    fields = get_type_hints(AgentState, include_extras=True)
    fields["messages"] = Annotated[Messages, recent_messages(max_messages)]
    return TypedDict("AgentState", fields, total=False)  # type: ignore[operator]


def turn_input(question: str) -> dict[str, Any]:
    """The input of one run: the new question, and every per-turn field cleared."""
    return {
        "question": question,
        "standalone": "",
        "intent": "",
        "interpretation": {},
        "verdict": "",
        "notices": [],
        "tool_notices": [],
        "shortfall": [],
        "evidence": [],
        "retrieved_ids": [],
        "tool_ids": [],
        "lead_ids": [],
        "charts": [],
        "answer": "",
        "citations": [],
        "refused": False,
        "support": 0.0,
        "removed_claims": [],
        "backend": "offline",
        "timings": {},
    }
