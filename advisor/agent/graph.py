"""The LangGraph graph: guard → understand → gather → synthesize → ground → respond.

Offline, routing between the nodes is deterministic. Refusals (bad input,
off-topic) skip straight to `respond`, so nothing else runs on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph.graph import END, START, StateGraph

from advisor.agent.nodes import Nodes
from advisor.agent.state import state_schema


def _after_guard(state: Mapping[str, Any]) -> str:
    return "understand" if state.get("verdict") == "ok" else "respond"


def _after_understand(state: Mapping[str, Any]) -> str:
    return "respond" if state.get("intent") in ("off_topic", "greeting", "clarify") else "gather"


def _after_gather(state: Mapping[str, Any]) -> str:
    return "respond" if state.get("intent") == "off_topic" else "synthesize"


def build_graph(nodes: Nodes, checkpointer: Any = None) -> Any:
    # The nodes are typed with `AgentState`; each is given the windowed schema explicitly, or LangGraph would
    # read `AgentState`'s unbounded `messages` from their annotations.
    schema = state_schema(2 * nodes.settings.memory_turns)  # a turn is a question and its answer
    g = StateGraph(schema)
    for name in ("guard", "understand", "gather", "synthesize", "ground", "respond"):
        g.add_node(name, getattr(nodes, name), input_schema=schema)
    g.add_edge(START, "guard")
    g.add_conditional_edges("guard", _after_guard, ["understand", "respond"])
    g.add_conditional_edges("understand", _after_understand, ["gather", "respond"])
    g.add_conditional_edges("gather", _after_gather, ["synthesize", "respond"])
    g.add_edge("synthesize", "ground")
    g.add_edge("ground", "respond")
    g.add_edge("respond", END)
    return g.compile(checkpointer=checkpointer)
