"""Oversize, binary and control-character input: a clear reply in bounded time, never a crash or a traceback.

Each surface that takes text from a person (Python API, CLI, stdin) is fed the
same nasty inputs; what matters is that the process keeps answering and says
something useful.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
from click.testing import CliRunner

from advisor import Advisor, Settings
from advisor.agent.guard import BINARY_MESSAGE
from advisor.cli import cli

AGENTS_Q = "What percent of AI engineer postings ask for AI agents?"

WEIRD: list[tuple[str, str | bytes]] = [
    ("ansi-escapes", "\x1b[31mWhat percent of AI engineer postings ask for AI agents?\x1b[0m"),
    ("bells-and-backspaces", "What do AI engineers earn?\x07\x08\x07"),
    ("carriage-returns", "What do AI\r engineers\r\n earn\r?"),
    ("del-chars", "What\x7f do AI engineers earn\x7f?"),
    ("rtl-override", "\u202eWhat do AI engineers earn?\u202c"),
    ("zero-width", "What\u200b do\u200c AI\u200d engineers\ufeff earn?"),
    ("lone-surrogate", "What do AI engineers earn? \ud800"),
    ("combining-marks", "W\u0301h\u0302a\u0303t do AI engineers earn?" + "\u0300" * 500),
    ("fullwidth", "ＷＨＡＴ ｄｏ ＡＩ ｅｎｇｉｎｅｅｒｓ ｅａｒｎ？"),
    ("emoji-only", "🤖💰🚀" * 50),
    ("nul-in-text", "What do AI\x00 engineers earn?"),
    ("only-controls", "\x01\x02\x03\x04\x05\x06"),
    ("only-punctuation", "?!?!... ,,, ;;;"),
    ("one-huge-word", "a" * 100_000),
    ("many-lines", "\n".join(["What do AI engineers earn?"] * 5000)),
    ("utf8-bytes", AGENTS_Q.encode("utf-8")),
    ("latin1-bytes", "Qué ganan los ingenieros de IA en España?".encode("latin-1")),
    ("random-bytes", os.urandom(4096)),
    ("utf16-bytes", AGENTS_Q.encode("utf-16")),
    ("empty-bytes", b""),
]


@pytest.mark.parametrize("name, raw", WEIRD, ids=[n for n, _ in WEIRD])
def test_weird_input_gets_a_clear_reply(advisor: Advisor, name: str, raw: str | bytes):
    t0 = time.perf_counter()
    answer = advisor.ask(raw, thread_id=f"weird-{uuid.uuid4().hex}")
    assert time.perf_counter() - t0 < 20
    assert answer.text.strip() and "Traceback" not in answer.text
    answer.text.encode("utf-8")  # printable and serialisable everywhere (no lone surrogates)
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")


def test_binary_is_named_as_binary(advisor: Advisor):
    for raw in (os.urandom(2048) + b"\xff", b"\x00" * 100, "\x00\x01\x02 some text \x03\x04" * 3):
        answer = advisor.ask(raw)
        assert answer.refused and answer.text == BINARY_MESSAGE


def test_ansi_wrapped_question_is_still_answered(advisor: Advisor):
    answer = advisor.ask(WEIRD[0][1])
    assert "47.3%" in answer.text


@pytest.mark.parametrize("size", [200_000, 5_000_000])
def test_oversize_input_is_answered_from_its_end_in_bounded_time(advisor: Advisor, size: int):
    padding = ("I have a long story about my career so far. " * (size // 45 + 1))[:size]
    t0 = time.perf_counter()
    answer = advisor.ask(padding + " " + AGENTS_Q)
    assert time.perf_counter() - t0 < 20
    assert not answer.refused and "postings" in answer.text  # the question at the end was answered
    assert any("characters" in n for n in answer.notices)


def test_oversize_binary_bytes_are_refused_quickly(advisor: Advisor):
    t0 = time.perf_counter()
    answer = advisor.ask(os.urandom(5_000_000))
    assert answer.refused and answer.text == BINARY_MESSAGE
    assert time.perf_counter() - t0 < 10


def _cli(settings: Settings, *args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    base = ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir)]
    return CliRunner().invoke(cli, [*base, *args], input=stdin, catch_exceptions=True)


@pytest.mark.parametrize("name, raw", [w for w in WEIRD if isinstance(w[1], str) and len(w[1]) < 20_000],
                         ids=[n for n, r in WEIRD if isinstance(r, str) and len(r) < 20_000])
def test_cli_ask_survives_weird_arguments(advisor: Advisor, settings: Settings, name: str, raw: str):
    result = _cli(settings, "ask", "--json", "--", raw)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answer"].strip() and "Traceback" not in result.output


def test_cli_ask_reads_binary_stdin(advisor: Advisor, settings: Settings):
    for raw in (os.urandom(10_000), AGENTS_Q.encode("utf-8"), b"\x00\x00\x00", "é".encode("latin-1") * 50):
        result = _cli(settings, "ask", "--json", "-", stdin=raw)
        assert result.exit_code == 0 and result.exception is None, (result.exception, result.output[-500:])
        assert json.loads(result.stdout)["answer"].strip()


def test_cli_option_like_question_is_a_usage_error_not_a_crash(settings: Settings):
    result = _cli(settings, "ask", "--definitely-not-an-option")
    assert result.exit_code == 2 and "Usage" in result.output and "Traceback" not in result.output


def test_cli_thread_id_with_undecodable_bytes_is_a_clear_error(settings: Settings):
    """Non-UTF-8 argv bytes reach Python as lone surrogates: the id is refused in one line, never encoded."""
    base = [sys.executable, "-m", "advisor.cli", "--data-dir", str(settings.data_dir),
            "--corpus-dir", str(settings.corpus_dir)]
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    for args in (["ask", "--thread", b"caf\xe9", AGENTS_Q], ["chat", "--thread", b"\xff\xfe"]):
        proc = subprocess.run([*base, *args], input=b"\n", capture_output=True, env=env, timeout=300)
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == 2, err[-2000:]
        assert "Traceback" not in err and "UnicodeEncodeError" not in err
        assert "--thread" in err and "thread id may contain only" in err


@pytest.mark.parametrize("thread", ["slack:T0TEAM:CA:1700000001.000100", "x" * 1_000, "two words"])
def test_cli_refuses_thread_ids_outside_its_namespace(settings: Settings, thread: str):
    result = _cli(settings, "ask", "--thread", thread, AGENTS_Q)
    assert result.exit_code == 2 and "--thread" in result.output and "Traceback" not in result.output
    assert thread not in result.output


def test_question_in_another_script_is_told_which_languages_are_read(advisor: Advisor):
    answer = advisor.ask("人工智能工程师的薪水是多少？")
    assert answer.refused and "English" in answer.text and "Han (Chinese)" in answer.text
    assert "outside" not in answer.text and "career advisor for AI engineering" not in answer.text


@pytest.mark.parametrize("raw", ["🤔🤔", "????"])
def test_input_without_words_is_not_called_empty(advisor: Advisor, raw: str):
    answer = advisor.ask(raw)
    assert answer.refused and "no words to look up" in answer.text and "empty" not in answer.text
    assert advisor.ask("   ").text != answer.text  # empty input keeps its own message
