"""The agent's tools: corpus search, salary lookup, posting statistics.

Each returns `Evidence` the composer can quote and the grounding check can
verify, plus chart rows taken from the tool's own numbers. A tool that can't
answer (unknown role, too few records) returns a notice, not an exception, so
the rest of the answer still comes from the articles.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from advisor.agent.slots import Slots
from advisor.config import Settings
from advisor.retrieval import Retriever
from advisor.types import AdvisorError, Evidence


@dataclass
class ToolOutcome:
    evidence: list[Evidence] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


class Toolbox:
    def __init__(self, settings: Settings, retriever: Retriever) -> None:
        self.settings = settings
        self.retriever = retriever
        self._store: Any = None
        self._lock = threading.Lock()

    @property
    def store(self) -> Any:
        with self._lock:
            if self._store is None:
                from advisor.data.store import open_store

                self._store = open_store(self.settings)
            return self._store

    def search(self, query: str, k: int = 6) -> list[Evidence]:
        return self.retriever.search(query, k=k)

    def salary(self, question: str, slots: Slots) -> ToolOutcome:
        from advisor.tools.salary import SalaryQuery, salary_lookup

        out = ToolOutcome()
        role = slots.role or "AI engineer"
        countries: list[str | None] = list(slots.countries) or [None]
        for country in countries[:3]:
            try:
                query = SalaryQuery(role=role, country=country, experience=slots.level_phrase, year=slots.year,
                                    remote=slots.remote)
                result = salary_lookup(query, self.store)
            except AdvisorError as exc:
                out.notices.append(str(exc))
                continue
            except ValueError as exc:  # pydantic validation of a contradictory filter
                out.notices.append(f"Salary lookup: {exc}")
                continue
            if result.message:
                out.notices.append(result.message)
            out.evidence += result.evidence()
            rows = result.chart_rows()
            if rows:
                out.charts.append({"kind": "salary_ranges", "title": f"Salary ranges — {role}"
                                   + (f", {country}" if country else ""), "rows": rows})
        return out

    def skills(self, question: str, slots: Slots) -> ToolOutcome:
        from advisor.tools.skills import PostingQuery, posting_stats

        out = ToolOutcome()
        role = slots.role or "machine learning engineer"
        try:
            query = PostingQuery(role=role, country=slots.countries[0] if slots.countries else None,
                                 remote=slots.remote, skill=slots.skill)
            result = posting_stats(query, self.store)
        except (AdvisorError, ValueError) as exc:
            out.notices.append(str(exc))
            return out
        if result.message:
            out.notices.append(result.message)
        out.evidence += result.evidence()
        rows = result.chart_rows()
        if rows:
            out.charts.append({"kind": "skill_shares", "title": f"Top skills in {role} postings", "rows": rows})
        return out
