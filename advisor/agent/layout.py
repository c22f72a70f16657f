"""How the offline answer's sentences are laid out in Markdown as they stream.

The composer decides what is said and in what order; this decides how it reads: one paragraph, a list of
figures per source under a lead figure, or numbered steps for advice. Surfaces render the Markdown (the chat
page, Slack's mrkdwn, the terminal as plain text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from advisor.agent.compose import TOOL_KINDS, Composition

FIGURE_KINDS = (*TOOL_KINDS, "bls")  # evidence whose sentence is one source's figure


class Mark(StrEnum):
    """How a composed line starts in the answer's Markdown."""

    TEXT = "text"  # a sentence of the paragraph
    ITEM = "item"  # an item of the list of figures per source
    STEP = "step"  # a numbered step
    SAME = "same"  # a further sentence of the line before, in the same paragraph or item


def line_marks(comp: Composition) -> list[Mark]:
    """How each of the composition's lines starts: advice steps are numbered; after a lead figure, each further
    source's figure is a list item, so a reader sees one line per source under the answer; the rest is paragraph."""
    if any(comp.numbered):
        return [Mark.STEP if k else Mark.TEXT for k in comp.numbered]
    kinds = [ev.kind for _, ev in comp.used]  # one per line
    if not kinds or kinds[0] not in FIGURE_KINDS:
        return [Mark.TEXT] * len(comp.lines)
    return [Mark.ITEM if i > 0 and kind in FIGURE_KINDS else Mark.TEXT for i, kind in enumerate(kinds)]


@dataclass
class Layout:
    """The answer's Markdown as it streams: sentences, a list of figures per source, numbered steps (numbered as
    shown, so a step the grounding check removes leaves no gap), and a paragraph break after a list."""

    pieces: list[str] = field(default_factory=list)
    in_list: bool = False
    steps: int = 0

    def add(self, sentence: str, mark: Mark) -> str:
        """The piece to show for `sentence` (its joint and the sentence), recorded for `text()`."""
        if mark is Mark.STEP:
            self.steps += 1
            joint = ("\n" if self.pieces else "") + f"{self.steps}. "
        elif mark is Mark.ITEM:
            joint = "\n- "
        elif mark is Mark.TEXT and self.in_list:
            joint = "\n\n"
        else:
            joint = " " if self.pieces else ""
        if mark is not Mark.SAME:
            self.in_list = mark is not Mark.TEXT
        self.pieces.append(joint + sentence)
        return self.pieces[-1]

    def text(self) -> str:
        return "".join(self.pieces).strip()
