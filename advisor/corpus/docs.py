"""The unit the index stores: one chunk of text with where it came from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from advisor.types import Evidence, EvidenceKind


@dataclass(frozen=True)
class Doc:
    id: str  # stable across runs: derived from the source and position, never from a counter
    text: str  # what is embedded and quoted
    kind: EvidenceKind
    source: str  # file name
    title: str
    locator: str = ""  # section heading or row description
    metadata: dict[str, Any] = field(default_factory=dict)
    embed_text: str = ""  # what the vector is made of, when not `text` (a posting: what it is searched by)

    @property
    def embedded_text(self) -> str:
        return self.embed_text or self.text

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is embedded, shown or filtered on changes (a new metadata field, such
        as the postings' month, reaches an index built before it)."""
        h = hashlib.sha256()
        for part in (self.text, self.title, self.locator) + ((self.embed_text,) if self.embed_text else ()):
            h.update(part.encode())
            h.update(b"\x00")
        if self.metadata:
            h.update(json.dumps(self.metadata, sort_keys=True, default=str).encode())
        return h.hexdigest()[:32]

    def chroma_metadata(self) -> dict[str, str | int | float | bool]:
        meta: dict[str, str | int | float | bool] = {
            "kind": self.kind,
            "source": self.source,
            "title": self.title,
            "locator": self.locator,
            "hash": self.content_hash,
        }
        for key, value in self.metadata.items():
            if isinstance(value, (str, int, float, bool)):
                meta[key] = value
        return meta

    def to_evidence(self, score: float = 0.0) -> Evidence:
        return Evidence(
            id=self.id,
            text=self.text,
            source=self.source,
            title=self.title,
            kind=self.kind,
            score=score,
            locator=self.locator,
            metadata=dict(self.metadata),
        )
