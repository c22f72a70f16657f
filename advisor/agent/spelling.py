"""Misspelt key words ("enginer", "salry", "scientst") read as the words the reader knows.

A rule per misspelling fixes the one that was seen; a corrector fixes the next one too. Only the words the
question reader depends on are targets (the lexicon's `spelling_targets`: roles, pay, levels, countries), and
only lower-case words that neither the sources nor the targets contain are corrected, so names ("Stripe"),
and words the articles use ("analyse"), are left as written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from functools import cache

from advisor.agent.lexicon import lexicon

MIN_LENGTH = 5  # shorter words have too many neighbours one letter away
CUTOFF = 0.85  # difflib ratio: "enginer"/"engineer" 0.93, "learner"/"learning" 0.80 (not corrected)


@cache
def targets() -> tuple[str, ...]:
    return lexicon("en").words("spelling_targets")


def correct(question: str, known: Collection[str]) -> tuple[str, list[tuple[str, str]]]:
    """`question` with misspelt target words replaced, and the (written, read as) pairs."""
    vocabulary = set(targets())
    fixes: list[tuple[str, str]] = []

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) < MIN_LENGTH or word in vocabulary or word in known:
            return word
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=CUTOFF)
        if not close:
            return word
        fixes.append((word, close[0]))
        return close[0]

    return re.sub(r"\b[a-z]+\b", fix, question), fixes
