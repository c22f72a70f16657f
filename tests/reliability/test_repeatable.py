"""The same question gets the same answer in every process: nothing in reading, retrieval or composing may
depend on Python's per-process hash seed (the order a set of words is read in)."""

from __future__ import annotations

import json
import subprocess
import sys

from advisor import Advisor

from .helpers import REPO, cli_env

QUESTIONS = [
    "I teach high school maths. What are the steps to become a data analyst?",
    "How do I move from system administration into MLOps?",
    "What skills do machine learning engineer postings ask for most?",
    "junior vs senior data engineer salary: what is the difference?",
    "Is a master's degree needed to become an AI engineer?",
]
SCRIPT = """
import json, sys
from advisor import Advisor, Settings
adv = Advisor(Settings(corpus_dir=sys.argv[1], data_dir=sys.argv[2]))
print(json.dumps([adv.ask(q).text for q in json.loads(sys.argv[3])]))
"""


def _answers(advisor: Advisor, seed: str) -> list[str]:
    settings = advisor.settings
    env = {**cli_env(settings), "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(settings.corpus_dir), str(settings.data_dir),
                           json.dumps(QUESTIONS)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_answers_do_not_depend_on_the_process_hash_seed(advisor: Advisor) -> None:
    first, second = _answers(advisor, "1"), _answers(advisor, "3")
    assert all(first), first
    for question, a, b in zip(QUESTIONS, first, second, strict=True):
        assert a == b, (question, a, b)
