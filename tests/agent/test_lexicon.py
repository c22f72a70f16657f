"""The offline reader's vocabulary is data: every entry is checked by its examples, every cue is read by code,
and the readers take their words from the files (no word lists in code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisor.agent.lexicon import HERE, all_lexicons, lexicon, load
from advisor.agent.slots import extract

AGENT = Path(__file__).resolve().parents[2] / "advisor" / "agent"
# the same test the before-stop hook uses for "a regex literal in code"
REGEX_LITERAL = re.compile(r"""re\.(compile|search|match|fullmatch|sub|findall|finditer|split)\(\s*r?f?["']|"""
                           r"""\br["'][^"'\n]*\|[^"'\n]*["']""")


def test_every_entry_matches_its_examples_and_not_its_counter_examples() -> None:
    problems = [p for lex in all_lexicons() for p in lex.problems()]
    assert problems == []
    assert lexicon("en").counts()["cues"] >= 50 and lexicon("en").counts()["table_rows"] >= 50


def test_the_validator_names_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "xx.toml"
    bad.write_text('language = "xx"\n'
                   '[cues.pay]\npattern = "salary|wage"\nexamples = ["what wage", "how much money"]\n'
                   'counter_examples = ["salary cap"]\n'
                   '[cues.silent]\npattern = "hello"\n'
                   '[tables.roles]\n[[tables.roles.entries]]\nvalue = "data engineer"\npattern = "data engineers?"\n'
                   'examples = ["Data Engineers"]\n', encoding="utf-8")
    problems = load(bad).problems()
    assert any("cue pay: misses its example 'how much money'" in p for p in problems)
    assert any("cue pay: matches its counter-example 'salary cap'" in p for p in problems)
    assert any("cue silent: no example" in p for p in problems)
    assert not any("data engineer" in p for p in problems)  # tables match the lower-cased text
    broken = tmp_path / "yy.toml"
    broken.write_text('language = "yy"\n[cues.x]\npattern = "(unclosed"\nexamples = ["a"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="cue x: pattern does not compile"):
        load(broken)


def _names_read_by_code() -> set[tuple[str, str]]:
    read = set()
    for path in AGENT.parent.rglob("*.py"):  # the agent's readers, and the data layer's (cities read from postings)
        for kind, name in re.findall(r"""\.(cue|table|words)\("(\w+)"\)""", path.read_text(encoding="utf-8")):
            read.add((kind, name))
    return read


def test_every_cue_table_and_word_list_is_read_and_exists() -> None:
    read = _names_read_by_code()
    defined = set()
    for lex in all_lexicons():
        defined |= {("cue", n) for n in lex.data.cues} | {("table", n) for n in lex.data.tables}
        defined |= {("words", n) for n in lex.data.words}
    assert read - defined == set(), "code reads vocabulary that no file defines"
    assert defined - read == set(), "vocabulary no code reads (dead entries)"


@pytest.mark.parametrize("module", ["slots", "intent", "tools", "nodes", "glossary", "guard", "compose"])
def test_readers_hold_no_word_lists(module: str) -> None:
    """Word lists are in the lexicon files; what's left in code are mechanisms (at most a few generic patterns,
    e.g. capitalised words, a citation marker)."""
    lines = [ln for ln in (AGENT / f"{module}.py").read_text(encoding="utf-8").splitlines()
             if REGEX_LITERAL.search(ln)]
    assert len(lines) <= 4, lines


def test_a_word_added_to_the_data_is_read_without_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the data files: a new city is a line of TOML, read by the same engine."""
    text = (HERE / "en.toml").read_text(encoding="utf-8")
    assert "dubrovnik" not in text
    assert extract("What do data engineers earn in Dubrovnik?").countries == []
    row = '[[tables.cities.entries]]\nvalue = "Croatia"\npattern = \'\\b(dubrovnik)\\b\'\nexamples = ["dubrovnik"]\n'
    (tmp_path / "en.toml").write_text(text + "\n" + row, encoding="utf-8")
    extended = load(tmp_path / "en.toml")
    assert extended.problems() == []
    assert ("\\b(dubrovnik)\\b", "Croatia") in [(p.pattern, value) for p, value in extended.table("cities")]
    from advisor.agent import slots
    monkeypatch.setattr(slots, "CITY_PATTERNS", extended.table("cities"))
    assert slots.extract("What do data engineers earn in Dubrovnik?").countries == ["Croatia"]
