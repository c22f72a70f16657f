"""The LangGraph graph: guard → understand → gather → synthesize → ground → respond.

Offline, routing between the nodes is deterministic. Refusals (bad input,
off-topic) skip straight to `respond`, so nothing else runs on them.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from advisor.agent.nodes import Nodes
from advisor.agent.state import AgentState


def _after_guard(state: AgentState) -> str:
    return "understand" if state.get("verdict") == "ok" else "respond"


def _after_understand(state: AgentState) -> str:
    return "respond" if state.get("intent") in ("off_topic", "greeting") else "gather"


def _after_gather(state: AgentState) -> str:
    return "respond" if state.get("intent") == "off_topic" else "synthesize"


def build_graph(nodes: Nodes, checkpointer: Any = None) -> Any:
    g = StateGraph(AgentState)
    g.add_node("guard", nodes.guard)
    g.add_node("understand", nodes.understand)
    g.add_node("gather", nodes.gather)
    g.add_node("synthesize", nodes.synthesize)
    g.add_node("ground", nodes.ground)
    g.add_node("respond", nodes.respond)
    g.add_edge(START, "guard")
    g.add_conditional_edges("guard", _after_guard, ["understand", "respond"])
    g.add_conditional_edges("understand", _after_understand, ["gather", "respond"])
    g.add_conditional_edges("gather", _after_gather, ["synthesize", "respond"])
    g.add_edge("synthesize", "ground")
    g.add_edge("ground", "respond")
    g.add_edge("respond", END)
    return g.compile(checkpointer=checkpointer)
