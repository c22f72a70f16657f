"""The language knowledge the offline reader uses, as data: one engine, per-language files.

Words, phrases, places and misspellings change with every new way people ask; code that reads them does not.
So the vocabulary lives in TOML files next to this module (`en.toml`: English cue words, roles, countries,
cities, levels; `translations.toml`: other languages' career terms mapped to English), in the manner of
dateparser's per-language data. Each entry carries examples it must match (and may carry counter-examples it
must not), so the whole vocabulary is checked by `Lexicon.problems()` (run by the test suite and by
`python -m advisor.agent.lexicon`) and can be counted and reviewed without reading the code that uses it.

A pattern may name a shared fragment as `<<name>>` (defined under `[fragments]`), so a word list used by two
patterns is written once.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

HERE = Path(__file__).parent
_FRAGMENT = re.compile(r"<<(\w+)>>")


class Entry(BaseModel):
    """One row of a table: the words (a pattern) and the value they stand for."""

    value: str
    pattern: str
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class Table(BaseModel):
    """Ordered (pattern, value) rows; the first row that matches wins where the reader takes one value.

    `lowercase = true`: the reader matches the lower-cased question, so patterns are written in lower case.
    `ignore_case = true`: the patterns match in any case (for readers of text they don't lower-case).
    """

    lowercase: bool = True
    ignore_case: bool = False
    entries: list[Entry]


class Cue(BaseModel):
    """Words that signal one thing about a question (it asks about pay, it is a follow-up, ...)."""

    pattern: str
    ignore_case: bool = True
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class LexiconFile(BaseModel):
    language: str
    fragments: dict[str, str] = Field(default_factory=dict)
    cues: dict[str, Cue] = Field(default_factory=dict)
    tables: dict[str, Table] = Field(default_factory=dict)
    words: dict[str, list[str]] = Field(default_factory=dict)


class Lexicon:
    """One language file, compiled once; read by `slots`, `intent`, `tools`, `nodes` and `glossary`."""

    def __init__(self, data: LexiconFile, path: Path) -> None:
        self.data = data
        self.path = path
        self._cues: dict[str, re.Pattern[str]] = {}
        for name, c in data.cues.items():
            try:
                self._cues[name] = re.compile(self._expand(c.pattern), re.I if c.ignore_case else 0)
            except (re.error, KeyError) as exc:
                raise ValueError(f"{path.name}: cue {name}: pattern does not compile ({exc})") from exc
        # Compiled here, once: the tables hold ~700 patterns, more than `re`'s own cache of 512, so patterns
        # passed as strings were compiled again on every question (a sixth of a loaded server's CPU).
        self._tables: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for name, t in data.tables.items():
            try:
                flags = re.I if t.ignore_case else 0
                self._tables[name] = [(re.compile(self._expand(e.pattern), flags), e.value) for e in t.entries]
            except (re.error, KeyError) as exc:
                raise ValueError(f"{path.name}: table {name}: a pattern does not compile ({exc})") from exc

    def _expand(self, pattern: str) -> str:
        return _FRAGMENT.sub(lambda m: self.data.fragments[m.group(1)], pattern.strip())

    def cue(self, name: str) -> re.Pattern[str]:
        return self._cues[name]

    def table(self, name: str) -> list[tuple[re.Pattern[str], str]]:
        """(compiled pattern, value) rows in file order, for readers that match the lower-cased text."""
        return list(self._tables[name])

    def words(self, name: str) -> tuple[str, ...]:
        return tuple(self.data.words[name])

    def counts(self) -> dict[str, int]:
        """How much vocabulary there is: cues, table rows and listed words."""
        return {"cues": len(self.data.cues),
                "table_rows": sum(len(t.entries) for t in self.data.tables.values()),
                "words": sum(len(w) for w in self.data.words.values())}

    def problems(self) -> list[str]:
        """Everything wrong with the file: patterns that don't compile, examples that don't match, rows with
        no example. Empty when the vocabulary is sound."""
        out: list[str] = []
        for name, cue in self.data.cues.items():
            out += self._check(f"cue {name}", cue.pattern, re.I if cue.ignore_case else 0, False,
                               cue.examples, cue.counter_examples)
        for tname, table in self.data.tables.items():
            for e in table.entries:
                out += self._check(f"{tname} {e.value!r}", e.pattern, re.I if table.ignore_case else 0, table.lowercase,
                                   e.examples, e.counter_examples)
        return out

    def _check(self, where: str, pattern: str, flags: int, lowercase: bool, examples: list[str],
               counter: list[str]) -> list[str]:
        try:
            rx = re.compile(self._expand(pattern), flags)
        except (re.error, KeyError) as exc:
            return [f"{self.path.name}: {where}: pattern does not compile ({exc})"]
        out = [] if examples else [f"{self.path.name}: {where}: no example"]
        prep = str.lower if lowercase else str
        out += [f"{self.path.name}: {where}: misses its example {x!r}" for x in examples if not rx.search(prep(x))]
        out += [f"{self.path.name}: {where}: matches its counter-example {x!r}" for x in counter
                if rx.search(prep(x))]
        return out


def load(path: Path) -> Lexicon:
    """A vocabulary file, parsed and compiled (a pattern that does not compile fails here, naming itself)."""
    with path.open("rb") as fh:
        return Lexicon(LexiconFile.model_validate(tomllib.load(fh)), path)


@cache
def lexicon(name: str = "en") -> Lexicon:
    """The named vocabulary file (`en`, `translations`), parsed and compiled once per process."""
    return load(HERE / f"{name}.toml")


def all_lexicons() -> list[Lexicon]:
    return [lexicon(p.stem) for p in sorted(HERE.glob("*.toml"))]


def main() -> int:
    """`python -m advisor.agent.lexicon`: count the vocabulary and list its problems (exit 1 if any)."""
    problems = [p for lex in all_lexicons() for p in lex.problems()]
    for lex in all_lexicons():
        print(lex.path.name, lex.counts())
    print("\n".join(problems) or "no problems")
    return 1 if problems else 0
