"""What every data tool shares: its LangChain wrapping and its JSON shape.

One data tool as a LangChain tool: the model reads the text, the agent keeps the typed result.

Why one helper: every data tool (salary_lookup, posting_stats, posting_conditions, rank_roles) has the same
contract for the LLM path: validated arguments (its pydantic query model), a text rendering for the model, and
the result object as the artifact, from which the agent collects citable `Evidence` and chart rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from advisor.data.store import Store


def data_tool(
    name: str,
    description: str,
    schema: type[BaseModel],
    compute: Callable[[Any, Store], Any],
    render: Callable[[Any], str],
    store: Store | None = None,
) -> Any:
    """A StructuredTool with `response_format="content_and_artifact"`: returns (render(result), result)."""
    from langchain_core.tools import StructuredTool

    def _run(**kwargs: Any) -> tuple[str, Any]:
        from advisor.data.store import open_store

        result = compute(schema(**kwargs), store or open_store())
        return render(result), result

    return StructuredTool.from_function(
        func=_run, name=name, description=description, args_schema=schema, response_format="content_and_artifact"
    )


def result_dict(result: Any) -> dict[str, Any]:
    """A tool result as JSON for `--json` and the API: its fields, summary lines, chart rows and evidence."""
    data: dict[str, Any] = result.model_dump(mode="json")
    data["summary_lines"] = result.summary_lines
    data["chart_rows"] = result.chart_rows()
    data["evidence"] = [
        {"id": e.id, "kind": e.kind, "source": e.source, "title": e.title, "locator": e.locator, "text": e.text}
        for e in result.evidence()
    ]
    return data
