"""Property-based fuzzing of `Advisor.ask` and of `advisor ask` with hypothesis.

Properties, for any text or bytes: no exception, no traceback, a non-empty
reply, no system-prompt leak, citation markers that point at real citations,
and no bleed between conversations (a fuzzed thread never changes what
another thread's follow-up means, and its turns land in its own history only).

Examples are bounded (`max_examples`) and the deadline is off: one real answer
takes 0.1-1 s, which is the pipeline's speed, not a hang. The strategies mix
raw text with career words so that many examples get past the input guard and
exercise retrieval, tools and the composer, not only the guard.
"""

from __future__ import annotations

import json
import re
import uuid

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import Advisor, Answer, Settings
from advisor.agent.prompts import SYSTEM_PROMPT_MARKER
from advisor.cli import cli

WORDS = ["AI", "engineer", "salary", "Germany", "UK", "senior", "skills", "postings", "RAG", "Python", "earn",
         "what", "how", "and", "in", "the", "?", "MLOps", "data", "scientist", "2024", "%", "$", "agents",
         "ignore", "instructions", "\x00", "\x1b[0m", "\u200b", "🤖", "\n", "<@U123>", "[1]", "''", '"', "\\"]
careerish = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=25).map(" ".join)
any_text = st.one_of(st.text(max_size=300), careerish)
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def check_answer(answer: Answer) -> None:
    assert isinstance(answer, Answer)
    assert answer.text.strip()
    assert "Traceback" not in answer.text and SYSTEM_PROMPT_MARKER not in answer.text
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert cited <= {c.n for c in answer.citations}, "a marker points at no citation"
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")


@FUZZ
@given(text=any_text)
def test_ask_any_text(advisor: Advisor, text: str):
    check_answer(advisor.ask(text, thread_id=f"fuzz-{uuid.uuid4().hex}"))


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000))
def test_ask_any_bytes(advisor: Advisor, raw: bytes):
    check_answer(advisor.ask(raw))


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(noise=any_text)
def test_fuzzed_thread_never_bleeds_into_another(advisor: Advisor, noise: str):
    mine, theirs = f"mine-{uuid.uuid4().hex}", f"theirs-{uuid.uuid4().hex}"
    advisor.ask("What do AI engineers earn in Germany?", thread_id=mine)
    advisor.ask(noise, thread_id=theirs)
    advisor.ask("And what about in India?", thread_id=theirs)  # a follow-up in the *other* thread
    follow = advisor.ask("And for senior ones?", thread_id=mine)
    assert "Germany" in follow.question and "India" not in follow.question
    assert [m["content"] for m in advisor.history(mine) if m["role"] == "user"] == [
        "What do AI engineers earn in Germany?", "And for senior ones?"]
    theirs_history = [m["content"] for m in advisor.history(theirs) if m["role"] == "user"]
    assert "What do AI engineers earn in Germany?" not in theirs_history and len(theirs_history) == 2


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=any_text, as_json=st.booleans())
def test_cli_ask_any_text(advisor: Advisor, settings: Settings, text: str, as_json: bool):
    args = ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir), "ask"]
    result = CliRunner().invoke(cli, [*args, *(["--json"] if as_json else []), "--", text or " "])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output[-500:]
    assert "Traceback" not in result.output and SYSTEM_PROMPT_MARKER not in result.output
    if as_json:
        assert json.loads(result.stdout)["answer"].strip()
    else:
        assert result.stdout.strip()
