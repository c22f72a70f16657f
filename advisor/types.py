"""Answer types shared by every layer, from the tools up to the UI.

Everything the advisor says must be traceable to an `Evidence` item: a passage
of an article, a posting, a BLS table row, or a sentence that a data tool wrote
from the CSV files. The composer and the grounding check only ever work with
these, which is what keeps numbers honest.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from advisor.sources import describe

EvidenceKind = Literal["article", "posting", "bls", "salary_data", "posting_stats", "article_figure"]
Intent = Literal["factual", "salary", "skills", "advice", "comparison", "off_topic", "abuse", "empty"]


@dataclass(frozen=True)
class Evidence:
    """One citable unit: what was read, and exactly where it came from.

    `text` is what gets quoted and what every figure in an answer is checked
    against, so tools must write their numbers into it verbatim.
    """

    id: str
    text: str
    source: str  # file name: "003_2a3e108b44c3953e.txt" or "salaries_aijobs_snapshot_2025-01-19.csv"
    title: str  # article title, or dataset name plus the filter that produced the figures
    kind: EvidenceKind
    score: float = 0.0
    locator: str = ""  # section heading, row group or filter: where inside `source`
    metadata: dict[str, Any] = field(default_factory=dict)

    def with_score(self, score: float) -> Evidence:
        return Evidence(
            self.id, self.text, self.source, self.title, self.kind, score, self.locator, dict(self.metadata)
        )


@dataclass(frozen=True)
class Citation:
    """A numbered source in an answer; `n` matches the `[n]` markers in the text."""

    n: int
    source: str
    title: str
    quote: str
    score: float
    kind: str = "article"
    locator: str = ""
    evidence_id: str = ""
    context: str = ""  # the whole passage the quote was taken from, for "show in context"
    # the cited Evidence's metadata (subject, counts, years, figures): what `advisor.sources` turns into a plain
    # heading and a rows summary, so no surface has to show the filter string as the source's name
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Chart:
    """Numbers behind a picture, straight from a tool result (never re-derived)."""

    kind: Literal["salary_ranges", "skill_shares"]
    title: str
    rows: list[dict[str, Any]]
    caption: str = ""


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    intent: str = "factual"
    support: float = 1.0  # share of answer claims the grounding check found supported
    question: str = ""  # the standalone question actually answered (after rewriting)
    backend: str = "offline"
    notices: list[str] = field(default_factory=list)  # e.g. "LLM endpoint unreachable; answered offline"
    charts: list[Chart] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    thread_id: str | None = None
    removed_claims: list[str] = field(default_factory=list)  # what the grounding check took out, for transparency

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["answer"] = data.pop("text")
        return data

    def sources_markdown(self) -> str:
        """The numbered sources as plain text (CLI): heading, the rows summary (data) or the quote (articles), and
        a details line with the exact filter and file, as the web page and Slack show them."""
        lines = []
        for c in self.citations:
            view = describe(c)
            body = view.summary or f'"{c.quote}"'
            lines.append(f"[{c.n}] {view.heading}\n    {body}\n    {view.details}")
        return "\n".join(lines)


class AdvisorError(Exception):
    """An error with a message written for the person using the advisor."""


class InputError(AdvisorError):
    """The question itself can't be used (empty, binary, too long...)."""


class IndexNotReadyError(AdvisorError):
    """The index is missing or unreadable; the message says how to rebuild it."""


__all__ = [
    "AdvisorError",
    "Answer",
    "Chart",
    "Citation",
    "Evidence",
    "EvidenceKind",
    "IndexNotReadyError",
    "InputError",
    "Intent",
]
