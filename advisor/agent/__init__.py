"""The LangGraph agent: state, nodes, graph, prompts, and the offline composer and grounding check."""
