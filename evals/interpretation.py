"""Score a question interpreter against the labelled readings in `evals/interpretations.jsonl`.

`python -m evals.interpretation [--interpreter rules|llm] [--local-llm] [--limit N] [--every K] [--out DIR]`

Why it exists: the interpreters (advisor/agent/interpreters.py) decide what every later step does, so a wrong
reading is a wrong answer however good the retrieval is. The labelled set was written by someone who did not
read the code; it is a measurement set. Nothing in `advisor/` may be tuned to it (no lexicon entry, no rule
written from its questions): what it shows goes to the lead, who decides what to change.

What is scored, per field of the labels:
- scalars and enums (intent, role, level, company, remote, source_named, pay_floor, language): exact accuracy;
- lists (roles, countries, cities, years, skills, claimed_pay): accuracy of the whole set, and precision,
  recall and F1 over all items pooled (micro);
- asks: the same set scores, plus "first ask correct" (the main ask leads; both empty counts as correct);
- "all fields right": the share of questions with every scored field right (asks: the set and its first).
A field an interpreter never reads (the rules give no `language`) is listed as not read and left out of the
all-fields rate.

Each question is read as the `understand` step reads it (`nodes.readable`: other languages' career terms in
English, misspelt key words corrected against the articles' words), by the interpreter the step would use.
Outputs (into `--out`, default `evals/out/interpretation/`): `scores.json` and `mismatches.jsonl`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from advisor.agent.interpret import Intent, Interpretation
from advisor.agent.interpreters import Interpreter, LLMInterpreter, RuleInterpreter
from advisor.config import Settings
from advisor.data.normalize import UnknownRoleError, resolve_role

LABELS_PATH = Path(__file__).resolve().parent / "interpretations.jsonl"
OUT_DIR = Path(__file__).resolve().parent / "out" / "interpretation"


class Kind(StrEnum):
    EXACT = "exact"
    SET = "set"
    ASKS = "asks"


def role_key(name: str) -> str:
    """Roles compared by the data tools' key: "Senior Data Scientist" (a label) and "data scientist" (a slot)
    are one role; the level is a field of its own. A name no role resolves is compared as written."""
    try:
        return resolve_role(name).key
    except UnknownRoleError:
        return name.casefold()


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


@dataclass(frozen=True)
class Field:
    kind: Kind
    read: Callable[[Interpretation], Any]  # the label's value, from an interpretation
    norm: Callable[[Any], Any] = _fold  # applied to the label's values and the reading's alike


# -- the one table between the labels' vocabulary and the Interpretation's ------------------------------------
LEVEL_LABELS = {"junior": "entry", "mid": "mid", "senior": "senior", "lead": "executive"}  # slot code → label
INTENT_LABELS = {Intent.OFF_TOPIC_CANDIDATE: "off_topic"}  # the rules' provisional reading, decided later
FIELDS: dict[str, Field] = {
    "intent": Field(Kind.EXACT, lambda r: INTENT_LABELS.get(r.intent, r.intent.value)),
    "asks": Field(Kind.ASKS, lambda r: [a.value for a in r.asks]),
    "role": Field(Kind.EXACT, lambda r: r.slots.role, role_key),
    "roles": Field(Kind.SET, lambda r: r.slots.roles, role_key),
    "countries": Field(Kind.SET, lambda r: r.slots.countries),
    "cities": Field(Kind.SET, lambda r: r.slots.cities),
    "level": Field(Kind.EXACT, lambda r: LEVEL_LABELS.get(r.slots.level or "")),
    "years": Field(Kind.SET, lambda r: r.slots.years or ([r.slots.year] if r.slots.year else [])),
    "company": Field(Kind.EXACT, lambda r: r.slots.company),
    "skills": Field(Kind.SET, lambda r: r.skills_named),
    "remote": Field(Kind.EXACT, lambda r: r.slots.remote),
    "source_named": Field(Kind.EXACT, lambda r: r.source_first.value if r.source_first else None),
    "claimed_pay": Field(Kind.SET, lambda r: r.claimed_pay, float),
    "pay_floor": Field(Kind.EXACT, lambda r: r.pay_floor, lambda v: float(v)),
    "language": Field(Kind.EXACT, lambda r: r.language),
}
OPTIONAL = {"language"}  # scored only for an interpreter that reads it


def load_labels(path: Path = LABELS_PATH) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    missing = [(r.get("id"), f) for r in rows for f in FIELDS if f not in r.get("expected", {})]
    if missing:
        raise ValueError(f"{path.name}: labels without a field: {missing[:5]}")
    return rows


def _normed(field: Field, value: Any) -> Any:
    if field.kind is Kind.EXACT:
        return None if value is None else field.norm(value)
    values = [field.norm(v) for v in value or []]
    return values if field.kind is Kind.ASKS else sorted(set(values), key=str)


def predicted(reading: Interpretation) -> dict[str, Any]:
    """The reading in the labels' vocabulary, normalised for comparison."""
    return {name: _normed(f, f.read(reading)) for name, f in FIELDS.items()}


def expected(row: dict[str, Any]) -> dict[str, Any]:
    return {name: _normed(f, row["expected"][name]) for name, f in FIELDS.items()}


def field_right(name: str, want: Any, got: Any) -> bool:
    if FIELDS[name].kind is Kind.ASKS:
        return set(want) == set(got) and want[:1] == got[:1]
    return bool(want == got)


@dataclass
class Tally:
    """One field's counts over the questions."""

    n: int = 0
    right: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    first_right: int = 0

    def add(self, kind: Kind, want: Any, got: Any, right: bool) -> None:
        self.n += 1
        self.right += right
        if kind is not Kind.EXACT:
            self.tp += len(set(want) & set(got))
            self.fp += len(set(got) - set(want))
            self.fn += len(set(want) - set(got))
        if kind is Kind.ASKS:
            self.first_right += want[:1] == got[:1]

    def scores(self, kind: Kind) -> dict[str, float]:
        out = {"accuracy": _ratio(self.right, self.n)}
        if kind is not Kind.EXACT:
            p, r = _ratio(self.tp, self.tp + self.fp), _ratio(self.tp, self.tp + self.fn)
            out |= {"precision": p, "recall": r, "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}
        if kind is Kind.ASKS:
            out["first_correct"] = _ratio(self.first_right, self.n)
        return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def score(pairs: Iterable[tuple[dict[str, Any], Interpretation]]) -> dict[str, Any]:
    """Per-field scores, the all-fields-right rate and the mismatches of (label row, reading) pairs."""
    pairs = list(pairs)
    got_all = [predicted(r) for _, r in pairs]
    scored = [f for f in FIELDS if f not in OPTIONAL or any(g[f] is not None for g in got_all)]
    tallies = {f: Tally() for f in scored}
    mismatches, all_right = [], 0
    for (row, _), got in zip(pairs, got_all, strict=True):
        want = expected(row)
        wrong = [f for f in scored if not field_right(f, want[f], got[f])]
        for f in scored:
            tallies[f].add(FIELDS[f].kind, want[f], got[f], f not in wrong)
        all_right += not wrong
        mismatches += [{"id": row["id"], "question": row["question"], "field": f, "expected": want[f],
                        "got": got[f]} for f in wrong]
    return {"n": len(pairs), "all_fields_right": _ratio(all_right, len(pairs)),
            "fields": {f: tallies[f].scores(FIELDS[f].kind) for f in scored},
            "not_read": [f for f in FIELDS if f not in scored],
            "read_by": dict(Counter(r.read_by.value for _, r in pairs)), "mismatches": mismatches}


def article_words(settings: Settings) -> set[str]:
    """The words the articles use (what `understand` never corrects), from the articles themselves: the index's
    vocabulary without building the index."""
    from advisor.corpus.articles import load_articles
    from advisor.text import content_words

    return {w for doc in load_articles(settings.articles_dir) for w in content_words(doc.text)}


def skill_vocabulary(settings: Settings) -> Callable[[], list[str]]:
    """The postings' skill names from the data store (built on first use, ~10 s), opened once."""
    cache: list[list[str]] = []

    def vocabulary() -> list[str]:
        if not cache:
            from advisor.data.store import open_store

            cache.append(list(open_store(settings).skill_vocabulary()))
        return cache[0]

    return vocabulary


def make(kind: str, settings: Settings) -> Interpreter:
    rules = RuleInterpreter(skill_vocabulary(settings))
    if kind == "rules":
        return rules
    if not settings.llm_base_url:
        raise SystemExit("--interpreter llm needs an endpoint: set ADVISOR_LLM_BASE_URL (or pass --local-llm)")
    from advisor.backends.openai_compat import OpenAICompatBackend

    return LLMInterpreter.from_backend(OpenAICompatBackend(settings), rules, settings.interpret_timeout)


def evaluate(interpreter: Interpreter, rows: list[dict[str, Any]], settings: Settings) -> dict[str, Any]:
    """Each labelled question read as the `understand` step reads it, then scored."""
    from advisor.agent.nodes import readable

    known = article_words(settings)
    return score((row, interpreter.read(readable(row["question"], known)[0])) for row in rows)


@contextmanager
def local_llm_settings(settings: Settings) -> Iterator[Settings]:
    """The settings pointed at SmolLM2 on llama.cpp's local server (evals/local_llm.py), for as long as it runs."""
    from evals import local_llm

    with local_llm.serve() as (url, _):
        yield settings.model_copy(update={"llm_base_url": url, **local_llm.SMOLLM2_SETTINGS,
                                          "interpret_timeout": 120.0})


def render(result: dict[str, Any]) -> str:
    lines = [f"{'field':<14}{'acc':>7}{'P':>7}{'R':>7}{'F1':>7}{'first':>7}"]
    for name, s in result["fields"].items():
        cells = [s.get(k) for k in ("accuracy", "precision", "recall", "f1", "first_correct")]
        lines.append(f"{name:<14}" + "".join(f"{c:>7.3f}" if c is not None else f"{'':>7}" for c in cells))
    lines.append(f"all fields right: {result['all_fields_right']:.3f} of {result['n']} questions; "
                 f"not read: {', '.join(result['not_read']) or 'none'}; read by: {result['read_by']}")
    wrong = Counter(m["field"] for m in result["mismatches"])
    lines.append("mismatches per field: " + ", ".join(f"{f} {n}" for f, n in wrong.most_common()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interpreter", choices=["rules", "llm"], default="rules")
    parser.add_argument("--local-llm", action="store_true", help="serve SmolLM2 locally for --interpreter llm")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--every", type=int, default=1, help="every Kth question (a spread of a slow model's)")
    parser.add_argument("--labels", type=Path, default=LABELS_PATH)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    rows = load_labels(args.labels)[:: max(1, args.every)][: args.limit or None]
    local = args.interpreter == "llm" and args.local_llm
    with local_llm_settings(Settings()) if local else nullcontext(Settings()) as settings:
        result = evaluate(make(args.interpreter, settings), rows, settings)
    args.out.mkdir(parents=True, exist_ok=True)
    mismatches = result.pop("mismatches")
    (args.out / "scores.json").write_text(json.dumps({"interpreter": args.interpreter, **result}, indent=1))
    (args.out / "mismatches.jsonl").write_text("".join(json.dumps(m, ensure_ascii=False) + "\n"
                                                       for m in mismatches), encoding="utf-8")
    print(render({**result, "mismatches": mismatches}))
    print(f"written: {args.out / 'scores.json'}, {args.out / 'mismatches.jsonl'} ({len(mismatches)} mismatches)")


if __name__ == "__main__":
    main()
