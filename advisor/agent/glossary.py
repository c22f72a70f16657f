"""A small career glossary: Spanish, German, French, Portuguese and Italian terms → English.

MiniLM reads English only, so a question in another language would retrieve
nothing useful. Career questions use a small vocabulary (salary, skills, job,
engineer, AI...); mapping those words gives retrieval and routing an English
query, and the answer (in English) says so. Unknown words pass through. The terms are data
(`lexicon/translations.toml`), checked by the lexicon's validator.
"""

from __future__ import annotations

from advisor.agent.lexicon import lexicon

_TRANSLATIONS = lexicon("translations")  # lexicon/translations.toml: phrase → English, applied in order
_COMPILED = _TRANSLATIONS.table("phrases")  # compiled case-insensitive (`ignore_case` in the file)
_FOREIGN_HINT = _TRANSLATIONS.cue("foreign_hint")


def looks_foreign(text: str) -> bool:
    return bool(_FOREIGN_HINT.search(text))


def to_english(text: str) -> str:
    """The question with known career terms replaced by English ones ('' if nothing was replaced)."""
    if not looks_foreign(text):
        return ""
    out = text
    for pattern, english in _COMPILED:
        out = pattern.sub(english, out)
    return out if out != text else ""
