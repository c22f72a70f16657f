"""The graph's state. `messages` persists across turns (the checkpointer keeps it
per thread); every other field belongs to the current turn and is reset by the
input of each run. Evidence travels as plain dicts so any checkpointer can
serialise it."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class AgentState(TypedDict, total=False):
    messages: Annotated[list[dict[str, Any]], operator.add]  # {"role", "content", "standalone"?}
    question: str  # as the user wrote it (after the input guard)
    standalone: str  # rewritten to stand alone (follow-ups), what retrieval sees
    intent: str
    verdict: str  # input guard verdict
    notices: list[str]
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


def turn_input(question: str) -> dict[str, Any]:
    """The input of one run: the new question, and every per-turn field cleared."""
    return {
        "question": question,
        "standalone": "",
        "intent": "",
        "verdict": "",
        "notices": [],
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
