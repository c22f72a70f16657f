"""Input guard: what may reach retrieval, and what gets a polite no.

Bad input gets a clear message, never a traceback. Prompt injection is not
"blocked" by pattern alone: the question is always treated as data (the
composer never follows it, and the LLM prompt fences it), but obvious attempts
to extract the system prompt or to get invented citations are answered with a
refusal so a weak model never sees them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from advisor.agent.lexicon import lexicon
from advisor.text import normalize_question

LEX = lexicon("en")

MAX_CHARS = 4000
TAIL_CHARS = 600  # a long message: the question is usually at its end
BINARY_MESSAGE = "That looks like binary data, not a question. Please type your question as text."
EMPTY_MESSAGE = "Please ask a question — the message was empty."
NO_WORDS_MESSAGE = (
    "Your message has no words to look up (only symbols, punctuation or emoji). Please type your question in words."
)
# What the advisor can read: the embedder and the sources are English; the glossary maps the main job and pay
# terms of these Latin-script languages to English (advisor.agent.glossary).
UNDERSTOOD_LANGUAGES = "English (and the main job and pay terms in Spanish, French, German, Portuguese and Italian)"
FOREIGN_SCRIPT_SHARE = 0.5  # more than this share of the letters outside the Latin script: not a language we read

_INJECTION = LEX.cue("injection")
_FABRICATE = LEX.cue("fabricate")
_ABUSE = LEX.cue("abuse")


# Sentences in *evidence* (or in a model's answer) that address an AI instead of informing a reader: a planted
# injection. They are never quoted as advice, whatever the question.
_ADDRESSED_TO_AI = LEX.cue("addressed_to_ai")


@lru_cache(maxsize=16384)
def is_injected_instruction(sentence: str) -> bool:
    """True for a sentence that instructs an AI ("ignore previous instructions", "note to the language model").
    Remembered per sentence: every candidate sentence of every answer is checked, and passages recur."""
    return bool(_INJECTION.search(sentence) or _ADDRESSED_TO_AI.search(sentence))


@dataclass(frozen=True)
class GuardResult:
    question: str  # what goes on to understanding ("" when rejected)
    verdict: str  # "ok" | "empty" | "no_words" | "language" | "binary" | "injection" | "fabrication" | "abuse"
    message: str = ""  # the reply when rejected
    truncated: bool = False
    injection_removed: bool = False  # instructions aimed at the assistant were dropped from the question


_INJECTION_TAIL = LEX.cue("injection_tail")
_QUESTION_WORD = LEX.cue("question_word_guard")


def _without_injection(text: str) -> str:
    """The part of a message before an injected instruction, if it is a real question on its own."""
    m = _INJECTION_TAIL.search(text)
    head = text[: m.start()].strip() if m else ""
    head = re.sub(r"[\s:;,-]+$", "", head)
    if len(head.split()) >= 5 and "?" in head and _QUESTION_WORD.search(head) and not _INJECTION.search(head):
        return head[: head.rfind("?") + 1]
    return ""


def _script(ch: str) -> str:
    """The Unicode script of a letter, from its character name ("CYRILLIC SMALL LETTER A" → "CYRILLIC")."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def foreign_script(text: str) -> str:
    """The main script of `text`'s letters when most of them are not Latin ("" when mostly Latin, or no letters).

    MiniLM and the sources are English: a question in Chinese or Russian can only match the sources by accident,
    so it must be told which languages are read instead of being called off-topic. Letters are classified by
    their Unicode script, not by word lists; `text` is NFKC-normalised already (full-width Latin is Latin).
    """
    scripts = Counter(_script(ch) for ch in text if unicodedata.category(ch).startswith("L"))
    letters = sum(scripts.values())
    foreign = Counter({name: n for name, n in scripts.items() if name != "LATIN"})
    if not letters or sum(foreign.values()) <= FOREIGN_SCRIPT_SHARE * letters:
        return ""
    name = foreign.most_common(1)[0][0]
    return "Han (Chinese)" if name == "CJK" else name.capitalize()


def language_message(script: str) -> str:
    return (
        f"I can only read questions in {UNDERSTOOD_LANGUAGES}. Your message is mostly in the {script} script, "
        "which my search and sources can't match — please ask it in English."
    )


INJECTION_REPLY = ("I can't share or change my instructions. I answer questions about AI-engineering careers from "
                   "my sources — ask me about roles, skills, salaries or how to move into the field.")
FABRICATION_REPLY = ("I can't make up sources or figures. Every claim I give comes with a real citation; ask the "
                     "question and I'll answer from what the sources actually say, or tell you they don't cover it.")
ABUSE_REPLY = "I won't help with insults or harassment. I'm happy to answer questions about AI-engineering careers."


def check_input(raw: str | bytes | None, max_chars: int = MAX_CHARS) -> GuardResult:
    """The question to answer, or why there is none: unreadable input first, then what it asks of the advisor."""
    decoded = _decoded(raw)
    if isinstance(decoded, GuardResult):
        return decoded
    text = normalize_question(decoded)
    if not text:
        return GuardResult("", "empty", EMPTY_MESSAGE)
    if not re.search(r"\w", text):  # "????", "🤔🤔": something was typed, but nothing to search for
        return GuardResult("", "no_words", NO_WORDS_MESSAGE)
    truncated = len(text) > max_chars
    if truncated:  # keep the end, where a pasted message's actual question usually is; say so
        text = text[-TAIL_CHARS:]
        text = text[text.find(" ") + 1 :] if " " in text else text
    return _refusal(decoded, text) or GuardResult(_without_injection(text) if _injected(decoded) else text, "ok",
                                                  truncated=truncated, injection_removed=_injected(decoded))


def _decoded(raw: str | bytes | None) -> str | GuardResult:
    """The text, or the reply for input that is no text: nothing, undecodable bytes, or binary control codes."""
    if raw is None:
        return GuardResult("", "empty", EMPTY_MESSAGE)
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return GuardResult("", "binary", BINARY_MESSAGE)
    controls = sum(1 for ch in raw[:10_000] if ord(ch) < 32 and ch not in "\n\r\t")
    if "\x00" in raw or controls > max(3, min(len(raw), 10_000) // 20):
        return GuardResult("", "binary", BINARY_MESSAGE)
    return raw


def _injected(raw: str) -> bool:
    return bool(_INJECTION.search(raw if len(raw) < 200_000 else raw[:200_000]))


def _refusal(raw: str, text: str) -> GuardResult | None:
    """The reply to a message that asks what the advisor won't do; None for a question to answer. A real
    question with an injection attached is answered, the injection ignored."""
    if _injected(raw) and not _without_injection(text):
        return GuardResult("", "injection", INJECTION_REPLY)
    if _FABRICATE.search(text):
        return GuardResult("", "fabrication", FABRICATION_REPLY)
    if _ABUSE.search(text):
        return GuardResult("", "abuse", ABUSE_REPLY)
    script = foreign_script(text)
    return GuardResult("", "language", language_message(script)) if script else None
