"""The result shape of a postings tool whose answer is one citable sentence (a count, a ranking of skills).

Why one base: each such tool returns the same things (whether it could answer, why not, the exact filter for the
sources panel, the sentence in plain words, its evidence id), and the agent turns each into one `Evidence` the
same way; only the metadata the sentence carries differs (`_metadata`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from advisor.tools.salary import POSTINGS_NAME
from advisor.types import Evidence


class PostingSentence(BaseModel):
    ok: bool
    message: str = ""
    dataset: str = ""
    filter: str = ""
    filter_text: str = ""
    text: str = ""
    evidence_id: str = ""

    def _metadata(self) -> dict[str, Any]:
        return {"subject": self.filter_text}

    def evidence(self) -> list[Evidence]:
        """The sentence as one citable row of the postings; none when the tool could not answer."""
        if not self.ok:
            return []
        return [Evidence(id=self.evidence_id, text=self.text, source=self.dataset, title=POSTINGS_NAME,
                         kind="posting_stats", locator=self.filter, metadata=self._metadata())]
