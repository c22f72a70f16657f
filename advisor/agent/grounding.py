"""Grounding check at answer time: no claim leaves without support in what it cites.

The answer is split into claims (sentences with their `[n]` markers). A claim
is supported when (1) every figure in it (money, percentages, counts, in any
spelling) appears in the evidence it cites, and (2) it is semantically close
to a sentence of that evidence (cosine ≥ threshold) or shares most of its
content words with it. Unsupported claims are removed; citations that support
nothing are dropped; the rest are renumbered. A claim without a marker is
checked against all evidence and, if supported, given the best citation.
This is what makes a weak generative model safe to put behind the advisor.

Markup is text no source supports either: HTML, Markdown images and links and
URLs are removed before a sentence is judged (`markup`), and a URL stays only
when the evidence the sentence cites contains it verbatim. Streaming holds
back unfinished markup, so not even a partial tag or link is ever shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from advisor.agent.guard import is_injected_instruction
from advisor.agent.markup import defang, drop_urls, settled, split_keeping_urls, urls
from advisor.embeddings import Embedder
from advisor.text import clean_markup, content_words, figure_matches, figures, split_sentences
from advisor.types import Citation, Evidence

_MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")


@dataclass
class Claim:
    text: str  # without markers
    cited: list[int]


@dataclass
class GroundingResult:
    text: str
    citations: list[Citation]
    support: float
    removed: list[str] = field(default_factory=list)
    dropped_citations: list[int] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)  # URLs removed from kept sentences (the evidence lacks them)


def _markers_before_period(text: str) -> str:
    """"X. [1] Y" → "X [1]. Y": a marker belongs to the sentence before it."""
    return re.sub(r"([.!?])\s*((?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)", lambda m: f" {m.group(2).strip()}{m.group(1)} ", text)


def split_claims(answer: str) -> list[Claim]:
    """Sentences with the citation numbers they carry (markers may follow the period)."""
    claims = []
    for sent in split_keeping_urls(_markers_before_period(answer), split_sentences):
        cited = [int(n) for group in _MARKER.findall(sent) for n in re.split(r"\s*,\s*", group)]
        text = _MARKER.sub("", sent).strip()
        text = re.sub(r"\s+([.,;:])", r"\1", text)
        if len(content_words(text)) < 2:
            continue  # "Sure." / bullets without words are not claims
        claims.append(Claim(text, cited))
    return claims


class GroundingChecker:
    def __init__(self, embedder: Embedder, threshold: float = 0.55, overlap: float = 0.6) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.overlap = overlap

    def supported(self, claim: str, evidence: list[Evidence]) -> bool:
        if not evidence:
            return False
        ev_text = " ".join(clean_markup(e.text) for e in evidence)
        if figure_matches(figures(claim), figures(ev_text)):
            return False  # a figure the evidence does not contain
        words = set(content_words(claim))
        ev_words = set(content_words(ev_text))
        if words and len(words & ev_words) / len(words) >= self.overlap:
            return True
        sentences = [s for e in evidence for s in split_sentences(clean_markup(e.text))] or [ev_text]
        vecs = self.embedder.encode([claim, *sentences])
        return float(np.max(vecs[1:] @ vecs[0])) >= self.threshold

    def check(self, answer: str, citations: list[Citation], evidence: dict[str, Evidence]) -> GroundingResult:
        """Keep supported claims; renumber the citations that support something."""
        stream = GroundedStream(self, citations, evidence)
        stream.feed(answer)
        stream.finish()
        return stream.result()

    def judge(self, claim: Claim, by_n: dict[int, Citation], evidence: dict[str, Evidence]) -> list[int] | None:
        """The citation numbers that support `claim`, or None when nothing does."""
        cited = [n for n in claim.cited if n in by_n]
        cited_ev = [evidence[by_n[n].evidence_id] for n in cited if by_n[n].evidence_id in evidence]
        if cited_ev and self.supported(claim.text, cited_ev):
            # ALCE precision: a citation that alone says nothing relevant is dropped
            useful = [n for n in cited if self._relevant(claim.text, evidence.get(by_n[n].evidence_id))]
            return useful or cited
        best = self._best_support(claim.text, list(by_n.values()), evidence)
        return [best] if best is not None else None

    def _relevant(self, claim: str, ev: Evidence | None) -> bool:
        return ev is not None and self.supported(claim, [ev])

    def _best_support(self, claim: str, citations: list[Citation], evidence: dict[str, Evidence]) -> int | None:
        for c in citations:
            ev = evidence.get(c.evidence_id)
            if ev is not None and self.supported(claim, [ev]):
                return c.n
        return None


class GroundedStream:
    """Checks an answer sentence by sentence as it arrives, so streaming never shows an unsupported claim.

    A sentence is judged only once the next one has begun (its `[n]` markers
    may arrive after its period). Citations are renumbered in order of first
    use among the kept sentences.
    """

    def __init__(self, checker: GroundingChecker, citations: list[Citation], evidence: dict[str, Evidence]) -> None:
        self.checker = checker
        self.by_n = {c.n: c for c in citations}
        self.evidence = evidence
        self.buffer = ""
        self.kept: list[str] = []
        self.removed: list[str] = []
        self.stripped: list[str] = []
        self.claims = 0
        self._numbers: dict[int, int] = {}
        self._citations: list[Citation] = []

    def feed(self, delta: str) -> list[str]:
        self.buffer += delta
        ready, pending = settled(self.buffer)  # a tag or link still open waits whole for the next delta
        ready = defang(ready)
        sentences = split_keeping_urls(_markers_before_period(ready), split_sentences)
        if len(sentences) < 2:
            return []
        gap = " " if ready[-1:].isspace() else ""
        self.buffer = sentences[-1] + gap + pending  # possibly unfinished: wait for more text
        return [s for c in split_claims(" ".join(sentences[:-1])) if (s := self._judge(c))]

    def finish(self) -> list[str]:
        rest, self.buffer = defang(self.buffer, final=True), ""
        return [s for c in split_claims(rest) if (s := self._judge(c))]

    def _judge(self, claim: Claim) -> str:
        found = urls(claim.text)
        plain = Claim(drop_urls(claim.text), claim.cited) if found else claim
        if len(content_words(plain.text)) < 2:
            return ""  # nothing but a link ("See https://..."): not a claim
        self.claims += 1
        # A model that obeyed an instruction planted in a source copies it, and the source "supports" it.
        numbers = None if is_injected_instruction(plain.text) else self.checker.judge(plain, self.by_n, self.evidence)
        if numbers is None:
            self.removed.append(claim.text)
            return ""
        claim = self._with_cited_urls(claim, plain, found, numbers)
        marks = []
        for n in numbers:
            if n not in self._numbers:
                self._numbers[n] = len(self._numbers) + 1
                old = self.by_n[n]
                self._citations.append(Citation(self._numbers[n], old.source, old.title, old.quote, old.score,
                                                old.kind, old.locator, old.evidence_id, old.context))
            marks.append(f"[{self._numbers[n]}]")
        sent = claim.text if claim.text.endswith((".", "!", "?", "%", ")")) else claim.text + "."
        rendered = f"{sent} {''.join(marks)}"
        self.kept.append(rendered)
        return rendered

    def _with_cited_urls(self, claim: Claim, plain: Claim, found: list[str], numbers: list[int]) -> Claim:
        """The claim with the URLs its supporting evidence contains verbatim; any other URL is stripped."""
        if not found:
            return claim
        cited = " ".join(self.evidence[e].text for n in numbers if (e := self.by_n[n].evidence_id) in self.evidence)
        keep = {u for u in found if u in cited}
        self.stripped += [u for u in found if u not in keep]
        return Claim(drop_urls(claim.text, keep), claim.cited) if keep else plain

    def result(self) -> GroundingResult:
        support = len(self.kept) / self.claims if self.claims else 0.0
        dropped = [n for n in self.by_n if n not in self._numbers]
        return GroundingResult(" ".join(self.kept), self._citations, round(support, 3), self.removed, dropped,
                               self.stripped)
