"""Metrics for the advisor's dev set: retrieval, figures, grounding (ALCE-style) and answer quality.

Why this module is pure functions with an injected `embed_fn`:
- The grader must not share code with the thing it grades; if the product's own sentence splitter or
  figure matcher had a bug, a shared implementation would hide it. Only the `advisor.types`
  dataclasses are read, and only by attribute (duck typing), so importing this module never imports
  the product.
- Semantic similarity comes from a caller-supplied `embed_fn(list[str]) -> np.ndarray` of
  L2-normalised rows. The harness passes the product's embedding model; tests pass a tiny
  deterministic bag-of-words embedder, so every metric is testable in milliseconds.

Every definition (formula, what counts as support, thresholds) is written out in `evals/README.md`.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # only for annotations; never imported at run time
    from advisor.types import Answer, Citation

EmbedFn = Callable[[list[str]], np.ndarray]

# Thresholds. They are parameters everywhere; these are the documented defaults (see README).
# Calibrated on all-MiniLM-L6-v2 (see README): faithful paraphrases of corpus sentences scored 0.53-0.79,
# on-domain but unsupported claims 0.21-0.44.
SIM_THRESHOLD = 0.55  # cosine(claim, evidence unit) at or above which a claim is "semantically supported"
OVERLAP_THRESHOLD = 0.75  # share of a claim's content tokens found in the evidence
FACT_SIM_THRESHOLD = 0.55  # cosine(gold fact, answer sentence) for gold facts without figures
FACT_OVERLAP_THRESHOLD = 0.60  # share of a figure-less gold fact's content tokens found in the answer
MIN_CLAIM_WORDS = 3  # sentences with fewer alphabetic words are not claims ("Sources:", "Yes.")


# ---------------------------------------------------------------------------------------------------------
# Text clean-up shared by every metric
# ---------------------------------------------------------------------------------------------------------

# Citation markup found inside article 002 (see shared/notes/corpus.md). Stripping it on both sides of a
# comparison means a retrieved chunk the product cleaned still "contains" a quote taken from the raw file.
_MARKUP_SUBS: list[tuple[re.Pattern[str], str]] = [
    # ^{([4](#))} [www.coursera.org](#))   and   ^{([2](#))} [www.itpro.com](#)
    (re.compile(r"\^\{\(\[\d+\]\(#\)\)\}\s*(?:\[[^\]\n]*\]\(#\)\)?)?"), ""),
    # (^[7] www.techtarget.com)   and   (^[20] [opendatascience.com](#))
    (re.compile(r"\(\^\[\d+\]\s*(?:\[[^\]\n]*\]\(#\)|[^\s)]+)\s*\)"), ""),
    # ⁽²⁹⁾ www.glassdoor.com)
    (re.compile(r"⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾\s*(?:[^\s)]+\)?)?"), ""),
    # [text](#) / [text](https://...) -> text
    (re.compile(r"\[([^\]\n]+)\]\((?:#|https?://[^)\s]*)\)"), r"\1"),
    # <https://...> autolinks -> the URL
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    # Markdown escapes: \$140K -> $140K
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!$%~|>])"), r"\1"),
    # Bold and italic markers
    (re.compile(r"\*\*|__"), ""),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
]

_QUOTE_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‒": "-",
        "−": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)

# [1], [2, 3], [^4], [1-3]: answer citation markers. A bracketed small integer is a reference, not a figure.
_MARKER_RE = re.compile(r"\[\^?(\d+(?:\s*[,;\-–]\s*\d+)*)\]")


def strip_markup(text: str) -> str:
    """Remove Markdown escapes, emphasis and the inline citation markup of article 002.

    Why: figures such as `\\$140K` and quotes interrupted by `^{([4](#))} [www.coursera.org](#))` must
    compare equal to what a reader (or the product, after its own clean-up) sees.
    """
    for pattern, repl in _MARKUP_SUBS:
        text = pattern.sub(repl, text)
    return text


def strip_citation_markers(text: str) -> str:
    """Drop `[n]` markers so they are neither counted as figures nor as words."""
    return _MARKER_RE.sub("", text)


def normalize_text(text: str) -> str:
    """Canonical form for containment: no markup, NFKC, straight quotes, '-' dashes, one space, casefold."""
    text = unicodedata.normalize("NFKC", strip_markup(text)).translate(_QUOTE_FOLD)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,;:!?)])", r"\1", text)
    return text.casefold()


# ---------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------

_FIGURE_RE = re.compile(
    r"""
    (?:
        (?P<pre>US\$|\$|£|€|¥|₹|(?:USD|GBP|EUR|CNY|RMB|INR|Rs\.?)(?=\s?\d))\s?
      | (?<![\w.,])
    )
    (?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)
    (?:\s?(?P<mult>(?i:thousand|million|billion|lakhs?|crores?|mn|bn)|[kKmMbBL])(?![A-Za-z]))?
    (?:\s?(?P<pct>%|(?i:percent|per\s?cent|pct)(?![A-Za-z])))?
    (?:\s?(?P<post>(?i:dollars?|euros?|pounds?|yuan|rupees?)|USD|EUR|GBP|CNY|RMB|INR)(?![A-Za-z]))?
    (?![A-Za-z0-9_])
    """,
    re.VERBOSE,
)

_CURRENCY = {
    "us$": "$",
    "$": "$",
    "usd": "$",
    "dollar": "$",
    "dollars": "$",
    "£": "£",
    "gbp": "£",
    "pound": "£",
    "pounds": "£",
    "€": "€",
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "¥": "¥",
    "cny": "¥",
    "rmb": "¥",
    "yuan": "¥",
    "₹": "₹",
    "inr": "₹",
    "rs": "₹",
    "rs.": "₹",
    "rupee": "₹",
    "rupees": "₹",
}

_MULT = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "l": 10**5,
    "lakh": 10**5,
    "lakhs": 10**5,
    "crore": 10**7,
    "crores": 10**7,
}

_RANGE_SEP = re.compile(r"^\s*(?:-|to|and|through|or)\s*$", re.IGNORECASE)
_CURRENCY_SYMBOLS = "$£€¥₹"


@dataclass
class _Fig:
    start: int
    end: int
    raw: Decimal
    currency: str
    mult: int
    pct: bool
    explicit_mult: bool


def _canon_number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _parse_figures(text: str) -> list[_Fig]:
    found: list[_Fig] = []
    for m in _FIGURE_RE.finditer(text):
        try:
            raw = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex only admits digits
            continue
        pre, post = m.group("pre"), m.group("post")
        currency = _CURRENCY.get((pre or post or "").strip().casefold(), "")
        mult_word = m.group("mult") or ""
        mult = 1
        if mult_word:
            key = mult_word.casefold()
            # "5m", "8b" and "11.45L" are only amounts next to a currency; "1.3M" and "140k" always are.
            if mult_word in ("m", "b", "L") and not currency:
                key = ""
            mult = _MULT.get(key, 1)
        found.append(_Fig(m.start(), m.end(), raw, currency, mult, bool(m.group("pct")), mult != 1))
    # Ranges: "70,000 and 145,000 dollars", "$285-$456K", "8 to 10 percent" -> the first end inherits units.
    for a, b in itertools.pairwise(found):
        if not _RANGE_SEP.match(text[a.end : b.start]):
            continue
        if b.pct and not a.pct and not a.currency:
            a.pct = True
        if b.currency and not a.currency and not a.pct:
            a.currency = b.currency
        if b.explicit_mult and not a.explicit_mult and not a.pct and a.raw < b.raw:
            a.mult, a.explicit_mult = b.mult, True
    return found


def _prepare_for_figures(text: str) -> str:
    text = strip_citation_markers(strip_markup(text))
    return unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)


def normalize_figures(text: str) -> set[str]:
    """Every figure in `text`, in one canonical spelling per value and unit.

    Money becomes `<symbol><integer or decimal>` ("$140000", "£112000", "€30000000"), percentages
    `<number>%` ("47.3%"), everything else a bare number ("1967"). So "$140,000", "$140K", "\\$140K",
    "140,000 dollars" and "140k USD" all give {"$140000"}; "47.3 percent" gives {"47.3%"}. Citation
    markers ([3]) are ignored. Number words ("three to six months") are not figures.

    Why canonicalise instead of string-matching: the sources write the same amount four different ways,
    and a grounding check that missed that would call a correct answer unsupported.
    """
    out: set[str] = set()
    for fig in _parse_figures(_prepare_for_figures(text)):
        value = _canon_number(fig.raw * fig.mult)
        if fig.pct:
            out.add(f"{value}%")
        elif fig.currency:
            out.add(f"{fig.currency}{value}")
        else:
            out.add(value)
    return out


def _split_token(token: str) -> tuple[str, str]:
    """'$140000' -> ('$', '140000'); '47.3%' -> ('%', '47.3'); '1967' -> ('', '1967')."""
    if token.endswith("%"):
        return "%", token[:-1]
    if token and token[0] in _CURRENCY_SYMBOLS:
        return token[0], token[1:]
    return "", token


def figure_found(figure: str, pool: set[str]) -> bool:
    """Whether one canonical figure occurs in a pool of canonical figures.

    Same value and same unit, or same value where one side has no unit ("140,000" in prose vs
    "$140,000" in a table). Different units never match, so "£112,000" is not "$112,000" and
    "47.3%" is not "$47.3".
    """
    if figure in pool:
        return True
    unit, value = _split_token(figure)
    for other in pool:
        other_unit, other_value = _split_token(other)
        if other_value == value and (not unit or not other_unit):
            return True
    return False


def figures_supported(claim_figures: Iterable[str], evidence_figures: set[str]) -> bool:
    """All figures of a claim occur in the evidence (see `figure_found`)."""
    return all(figure_found(f, evidence_figures) for f in claim_figures)


def contains_figures(text: str, figures: Iterable[str]) -> bool:
    """Whether `text` states every figure in `figures` (as written in a gold fact).

    A figure string that holds no number ("three to six months") is matched as normalised text.
    """
    pool = normalize_figures(text)
    norm_text = normalize_text(text)
    for fig in figures:
        canon = normalize_figures(fig)
        if canon:
            if not figures_supported(canon, pool):
                return False
        elif normalize_text(fig) not in norm_text:
            return False
    return True


# ---------------------------------------------------------------------------------------------------------
# Sentences, claims and tokens
# ---------------------------------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "vs",
    "etc",
    "approx",
    "u.s",
    "u.k",
    "dr",
    "mr",
    "mrs",
    "ms",
    "no",
    "inc",
    "jr",
    "st",
    "cf",
    "fig",
    "a.k.a",
    "ph.d",
    "n",
}
# A citation marker after a stop ('annually." [3]. Next') is not the start of a new sentence.
_BOUNDARY_RE = re.compile(r"[.!?][\"'”’)\]]*\s+(?!\[\^?\d)(?=[\"'“‘(\[]?[A-Z0-9£$€])")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_SOURCES_HEADING_RE = re.compile(r"^\W*(?:sources|references|citations)\W*$", re.IGNORECASE)
_MOVE_MARKERS_RE = re.compile(r"([.!?])((?:\s*\[\^?\d+(?:\s*[,;\-–]\s*\d+)*\])+)")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences: one per line at least, then at . ! ? before a capital or digit.

    Decimal points ("47.3%") never split because a boundary needs whitespace after it; "e.g.", "(e.g.", "U.S."
    and single initials do not end sentences.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        line = _BULLET_RE.sub("", line).strip()
        if not line:
            continue
        start = 0
        for m in _BOUNDARY_RE.finditer(line):
            before = line[start : m.start() + 1].split()
            last = before[-1].casefold().lstrip("([{\"'“‘").rstrip(".") if before else ""
            if last in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last):
                continue
            piece = line[start : m.end()].strip()
            if piece.count('"') % 2 or piece.count("“") > piece.count("”"):
                continue  # inside an open quotation: 'The article "What Is an AI Engineer? Job Market..." states'
            if piece:
                sentences.append(piece)
            start = m.end()
        tail = line[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


@dataclass(frozen=True)
class Claim:
    """One answer sentence: its text without markers, and the citation numbers it carries."""

    text: str
    citations: tuple[int, ...]
    raw: str


def _marker_numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        if re.fullmatch(r"\d+\s*[\-–]\s*\d+", part):
            lo, hi = (int(x) for x in re.split(r"\s*[\-–]\s*", part))
            numbers.extend(range(lo, hi + 1) if 0 < hi - lo < 20 else [lo, hi])
        elif part.strip().isdigit():
            numbers.append(int(part))
    return numbers


def claim_split(answer_text: str, *, min_words: int = MIN_CLAIM_WORDS) -> list[Claim]:
    """Split an answer into claims (sentences) with the `[n]` markers each one carries.

    A marker placed after the full stop ("... 47.3%. [1] Next") belongs to the sentence before it.
    Headings, lead-ins ending in ":" without a marker, sentences of fewer than `min_words` words that
    state no figure, and everything after a "Sources" heading are not claims, so they are never scored
    as unsupported statements.
    """
    claims: list[Claim] = []
    lines: list[str] = []
    for line in answer_text.splitlines():
        if _SOURCES_HEADING_RE.match(line.strip()):
            break
        if line.lstrip().startswith("#"):
            continue
        lines.append(_MOVE_MARKERS_RE.sub(r"\2\1", line))
    for sentence in split_sentences("\n".join(lines)):
        numbers: list[int] = []
        for m in _MARKER_RE.finditer(sentence):
            numbers.extend(n for n in _marker_numbers(m.group(1)) if n not in numbers)
        text = strip_citation_markers(sentence)
        text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()
        if len(_WORD_RE.findall(strip_markup(text))) < min_words and not normalize_figures(text):
            continue  # "Yes.", "Sources" - but "India: 12.8%." is a claim
        if text.endswith(":") and not numbers:
            continue
        claims.append(Claim(text=text, citations=tuple(numbers), raw=sentence))
    return claims


# Function words that say nothing about whether a claim matches its evidence.
_STOPWORDS_TEXT = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
according per via around roughly approximately nearly almost many much may might
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_TOKEN_RE = re.compile(r"[a-z][a-z0-9+#]*(?:[.\-][a-z0-9+#]+)*")


def _stem(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def content_tokens(text: str) -> set[str]:
    """Lower-cased, lightly stemmed word tokens minus stopwords; numbers are left to the figure check."""
    text = normalize_text(strip_citation_markers(text)).replace("'s ", " ")
    return {_stem(t) for t in _TOKEN_RE.findall(text) if t not in _STOPWORDS and len(t) > 1}


def token_overlap(text: str, evidence_texts: Sequence[str]) -> float:
    """Share of `text`'s content tokens that occur anywhere in the evidence; 0.0 if it has none."""
    claim_tokens = content_tokens(text)
    if not claim_tokens:
        return 0.0
    pool: set[str] = set()
    for ev in evidence_texts:
        pool |= content_tokens(ev)
    return len(claim_tokens & pool) / len(claim_tokens)


# ---------------------------------------------------------------------------------------------------------
# Embeddings
# ---------------------------------------------------------------------------------------------------------


def _embed(embed_fn: EmbedFn, texts: list[str]) -> np.ndarray:
    """Call `embed_fn` and re-normalise rows, so a slightly off-norm model cannot inflate cosines."""
    vectors = np.asarray(embed_fn(texts), dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise ValueError(f"embed_fn returned shape {vectors.shape} for {len(texts)} texts")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def cached_embed_fn(embed_fn: EmbedFn) -> EmbedFn:
    """Memoise an embedder per text; grounding re-embeds the same evidence sentences for every claim."""
    cache: dict[str, np.ndarray] = {}

    def wrapped(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for text, vec in zip(missing, _embed(embed_fn, missing), strict=True):
                cache[text] = vec
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 1))

    return wrapped


def max_similarity(text: str, evidence_texts: Sequence[str], embed_fn: EmbedFn) -> float:
    """Highest cosine between `text` and any evidence unit.

    Units are each evidence text, each of its sentences, and (with several texts) their concatenation,
    so a one-sentence claim is compared with the sentence that states it rather than a diluted passage.
    """
    units: list[str] = []
    for ev in evidence_texts:
        clean = strip_markup(ev)
        units.append(clean)
        units.extend(s for s in split_sentences(clean) if s != clean)
    if len(evidence_texts) > 1:
        units.append(" ".join(strip_markup(e) for e in evidence_texts))
    units = [u for u in dict.fromkeys(units) if u.strip()]
    if not units:
        return 0.0
    vectors = _embed(embed_fn, [strip_markup(text), *units])
    return float(np.max(vectors[1:] @ vectors[0]))


# ---------------------------------------------------------------------------------------------------------
# Grounding: support, faithfulness, ALCE citation recall / precision
# ---------------------------------------------------------------------------------------------------------


def supports(
    claim_text: str,
    evidence_texts: Sequence[str],
    embed_fn: EmbedFn | None = None,
    *,
    sim_threshold: float = SIM_THRESHOLD,
    overlap_threshold: float = OVERLAP_THRESHOLD,
) -> bool:
    """Whether the union of `evidence_texts` supports `claim_text`.

    Supported = every figure in the claim occurs in the evidence (after `normalize_figures`), AND the
    claim says what the evidence says: token overlap >= `overlap_threshold`, or cosine similarity
    >= `sim_threshold` to some evidence unit (see `max_similarity`). Without `embed_fn` only the
    overlap test is used. Empty evidence supports nothing.

    Why figures are a hard gate: a fluent sentence with a wrong number is the failure that matters
    most for a salary advisor, and similarity alone scores it as supported.
    """
    evidence = [e for e in evidence_texts if e and e.strip()]
    if not evidence:
        return False
    evidence_figures: set[str] = set()
    for ev in evidence:
        evidence_figures |= normalize_figures(ev)
    if not figures_supported(normalize_figures(claim_text), evidence_figures):
        return False
    if token_overlap(claim_text, evidence) >= overlap_threshold:
        return True
    if embed_fn is None:
        return False
    return max_similarity(claim_text, evidence, embed_fn) >= sim_threshold


def _claims_of(answer: str | Sequence[Claim]) -> list[Claim]:
    return claim_split(answer) if isinstance(answer, str) else list(answer)


def faithfulness(
    answer: str | Sequence[Claim],
    evidence_texts: Sequence[str],
    embed_fn: EmbedFn | None = None,
    **thresholds: float,
) -> float | None:
    """Share of the answer's claims supported by the union of all retrieved evidence.

    None when the answer makes no claims (a refusal): there is nothing to be faithful about, and
    scoring it 0 or 1 would skew the mean either way.
    """
    claims = _claims_of(answer)
    if not claims:
        return None
    supported = sum(supports(c.text, evidence_texts, embed_fn, **thresholds) for c in claims)
    return supported / len(claims)


@dataclass(frozen=True)
class CitationScores:
    """ALCE citation recall and precision for one answer, with the counts behind them."""

    recall: float | None
    precision: float | None
    n_claims: int
    n_citations: int
    n_recalled: int
    n_precise: int


def citation_scores(
    answer: str | Sequence[Claim],
    cited_evidence: Mapping[int, str],
    embed_fn: EmbedFn | None = None,
    **thresholds: float,
) -> CitationScores:
    """ALCE (Gao et al., 2023) citation recall and precision, with `supports` in place of the NLI model.

    - A claim is recalled when the union of the evidence it cites supports it. Claims without
      markers, or citing only numbers absent from `cited_evidence`, are not recalled.
      recall = recalled claims / claims.
    - Each citation of each claim is precise when the claim is recalled and the citation is not
      irrelevant. With one citation, recalled means precise. With several, a citation is irrelevant
      when it alone does not support the claim AND the remaining citations still support it.
      Citations of unrecalled claims are all imprecise. precision = precise citations / citations
      (0.0 when the answer makes claims but cites nothing).

    Both are None when there are no claims.
    """
    claims = _claims_of(answer)
    n_citations = n_recalled = n_precise = 0
    for claim in claims:
        cited = {n: cited_evidence.get(n, "") for n in dict.fromkeys(claim.citations)}
        n_citations += len(cited)
        joint = supports(claim.text, list(cited.values()), embed_fn, **thresholds)
        if not joint:
            continue
        n_recalled += 1
        if len(cited) == 1:
            n_precise += 1
            continue
        for n, text in cited.items():
            if supports(claim.text, [text], embed_fn, **thresholds):
                n_precise += 1
                continue
            rest = [t for m, t in cited.items() if m != n]
            if not supports(claim.text, rest, embed_fn, **thresholds):
                n_precise += 1  # needed: without it the rest no longer supports the claim
    if not claims:
        return CitationScores(None, None, 0, 0, 0, 0)
    precision = n_precise / n_citations if n_citations else 0.0
    return CitationScores(
        n_recalled / len(claims), precision, len(claims), n_citations, n_recalled, n_precise
    )


def citation_recall(
    answer: str | Sequence[Claim],
    cited_evidence: Mapping[int, str],
    embed_fn: EmbedFn | None = None,
    **thresholds: float,
) -> float | None:
    """ALCE citation recall; see `citation_scores`."""
    return citation_scores(answer, cited_evidence, embed_fn, **thresholds).recall


def citation_precision(
    answer: str | Sequence[Claim],
    cited_evidence: Mapping[int, str],
    embed_fn: EmbedFn | None = None,
    **thresholds: float,
) -> float | None:
    """ALCE citation precision; see `citation_scores`."""
    return citation_scores(answer, cited_evidence, embed_fn, **thresholds).precision


def citation_texts(citations: Iterable[Citation]) -> dict[int, str]:
    """Marker number -> the evidence text behind it (the full passage when known, else the quote)."""
    return {c.n: (getattr(c, "context", "") or c.quote) for c in citations}


# ---------------------------------------------------------------------------------------------------------
# Retrieval
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldPassage:
    """A gold passage: a quote inside a source file, or (computed) a whole data file.

    `alternates` are other verbatim quotes of the same source that state the same fact (an article that
    repeats "47.3%" in its body, a table and its FAQ): a chunk containing any of them is as relevant as one
    containing `quote`, so retrieving the FAQ copy of a fact is not scored as a miss.
    """

    source: str
    quote: str = ""
    computed: bool = False
    alternates: tuple[str, ...] = ()


def gold_passages(gold_facts: Iterable[Mapping[str, Any]]) -> list[GoldPassage]:
    """Distinct gold passages of a case, in order of first appearance.

    Facts sharing one quote are one passage; its alternates are those common to all of those facts (an
    alternate stating only one of the facts does not serve the passage as a whole).
    """
    seen: dict[tuple[str, str, bool], GoldPassage] = {}
    for fact in gold_facts:
        computed = bool(fact.get("computed", False))
        quote = "" if computed else str(fact.get("quote", ""))
        alternates = () if computed else tuple(str(a) for a in fact.get("alt_quotes", []) or [])
        key = (str(fact["source"]), normalize_text(quote), computed)
        if key in seen:
            kept = {normalize_text(a) for a in alternates}
            old = seen[key]
            seen[key] = GoldPassage(old.source, old.quote, computed,
                                    tuple(a for a in old.alternates if normalize_text(a) in kept))
        else:
            seen[key] = GoldPassage(str(fact["source"]), quote, computed, alternates)
    return list(seen.values())


def _source_and_text(item: Any) -> tuple[str, str]:
    """Accept an `Evidence`-like object, a `(source, text)` pair, or a mapping with those keys."""
    if isinstance(item, tuple):
        return str(item[0]), str(item[1])
    if isinstance(item, Mapping):
        return str(item.get("source", "")), str(item.get("text", ""))
    return str(getattr(item, "source", "")), str(getattr(item, "text", ""))


def _basename(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def is_relevant(item: Any, gold: GoldPassage) -> bool:
    """A retrieved item is relevant to a gold passage when its source is the gold file and, unless the
    gold fact is computed from data, its text contains the quote or one of its alternates (both sides
    through `normalize_text`)."""
    source, text = _source_and_text(item)
    if _basename(source) != _basename(gold.source):
        return False
    if gold.computed or not gold.quote:
        return True
    norm = normalize_text(text)
    return any(normalize_text(q) in norm for q in (gold.quote, *gold.alternates) if q)


def _check(gold: Sequence[GoldPassage], k: int | None = None) -> None:
    if not gold:
        raise ValueError("retrieval metrics need at least one gold passage; skip cases without gold facts")
    if k is not None and k < 1:
        raise ValueError("k must be >= 1")


def recall_at_k(retrieved: Sequence[Any], gold: Sequence[GoldPassage], k: int) -> float:
    """Share of gold passages matched by at least one of the top-k retrieved items."""
    _check(gold, k)
    top = retrieved[:k]
    return sum(any(is_relevant(it, g) for it in top) for g in gold) / len(gold)


def mrr(retrieved: Sequence[Any], gold: Sequence[GoldPassage]) -> float:
    """Reciprocal rank of the first retrieved item relevant to any gold passage; 0.0 if none is."""
    _check(gold)
    for rank, item in enumerate(retrieved, start=1):
        if any(is_relevant(item, g) for g in gold):
            return 1.0 / rank
    return 0.0


def ndcg_at_k(retrieved: Sequence[Any], gold: Sequence[GoldPassage], k: int) -> float:
    """Binary nDCG@k. An item gains 1 when it matches a gold passage no higher-ranked item matched,
    so duplicates of one passage earn nothing; IDCG puts min(k, |gold|) hits at the top."""
    _check(gold, k)
    credited: set[int] = set()
    dcg = 0.0
    for rank, item in enumerate(retrieved[:k], start=1):
        for gi, g in enumerate(gold):
            if gi not in credited and is_relevant(item, g):
                credited.add(gi)
                dcg += 1.0 / math.log2(rank + 1)
                break
    idcg = sum(1.0 / math.log2(r + 1) for r in range(1, min(k, len(gold)) + 1))
    return dcg / idcg


def source_recall_at_k(retrieved: Sequence[Any], gold_sources: Sequence[str], k: int) -> float:
    """Share of the case's gold source files present among the top-k retrieved items' sources."""
    if not gold_sources:
        raise ValueError("source recall needs at least one gold source")
    top = {_basename(_source_and_text(it)[0]) for it in retrieved[:k]}
    wanted = {_basename(s) for s in gold_sources}
    return len(wanted & top) / len(wanted)


# ---------------------------------------------------------------------------------------------------------
# Answer quality
# ---------------------------------------------------------------------------------------------------------


def gold_fact_recall(
    answer_text: str,
    gold_facts: Sequence[Mapping[str, Any]],
    embed_fn: EmbedFn | None = None,
    *,
    sim_threshold: float = FACT_SIM_THRESHOLD,
    overlap_threshold: float = FACT_OVERLAP_THRESHOLD,
) -> float | None:
    """Share of gold facts the answer states.

    A fact with figures is stated when every one of its figures occurs in the answer (`contains_figures`).
    A fact without figures is stated when some answer sentence (or the whole answer) has cosine
    >= `sim_threshold` with the fact text, or when >= `overlap_threshold` of the fact's content tokens
    occur in the answer. None when the case has no gold facts.
    """
    if not gold_facts:
        return None
    sentences = [c.text for c in claim_split(answer_text, min_words=1)]
    hits = 0
    for fact in gold_facts:
        figures = list(fact.get("figures") or [])
        if figures:
            hits += contains_figures(answer_text, figures)
            continue
        text = str(fact.get("fact", ""))
        if token_overlap(text, [answer_text]) >= overlap_threshold:
            hits += 1
        elif embed_fn is not None and sentences:
            hits += max_similarity(text, [*sentences, answer_text], embed_fn) >= sim_threshold
    return hits / len(gold_facts)


def answer_relevance(question: str, answer_text: str, embed_fn: EmbedFn) -> float:
    """Mean cosine between the question and each answer sentence (claims with >= 1 word); 0.0 if none.

    Why the mean over sentences and not one cosine for the whole answer: padding an answer with
    off-topic sentences should lower the score, and a whole-answer embedding barely notices it.
    """
    sentences = [c.text for c in claim_split(answer_text, min_words=1)]
    if not sentences:
        return 0.0
    vectors = _embed(embed_fn, [question, *sentences])
    return float(np.mean(vectors[1:] @ vectors[0]))


def refusal_correct(refused: bool, expect_refusal: bool) -> bool:
    """The answer refused exactly when the case expects a refusal (non-English on-topic cases expect none)."""
    return bool(refused) == bool(expect_refusal)


def must_not_violations(
    answer_text: str,
    forbidden_strings: Iterable[str] = (),
    forbidden_figures: Iterable[str] = (),
) -> list[str]:
    """The forbidden strings (case-insensitive, after `normalize_text`) and forbidden figures (after
    `normalize_figures`, any unit) that occur in the answer. Empty list = the must-not check passes."""
    norm = normalize_text(answer_text)
    raw = answer_text.casefold()
    hits = [s for s in forbidden_strings if s and (s.casefold() in raw or normalize_text(s) in norm)]
    pool = normalize_figures(answer_text)
    for fig in forbidden_figures:
        canon = normalize_figures(fig)
        if canon and all(figure_found(c, pool) for c in canon):
            hits.append(fig)
    return hits


# ---------------------------------------------------------------------------------------------------------
# Answer shape: does the answer read like an answer to the question?
# ---------------------------------------------------------------------------------------------------------

# Pipeline detail a reader should never meet in answer text (it belongs in the citation's metadata). These are
# the measuring stick's patterns, not the product's: the product must not need them to pass.
INTERNAL_DETAIL: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sample size written as n=", re.compile(r"\bn\s*=\s*\d")),
    ("a file name", re.compile(r"\b[\w-]+\.(?:txt|csv|jsonl?|sqlite3?|duckdb)\b")),
    ("a filter expression", re.compile(r"==|!=|~\*|\bIN \(|\w+=(?:kept|dropped|true|false)\b")),
    ("a column name", re.compile(r"\b[a-z]+_[a-z_]+\b")),
    ("an occupation code", re.compile(r"\b\d{2}-\d{4}\b")),
    ("duplicate-row bookkeeping", re.compile(r"\bexact[- ]duplicate", re.I)),
)


def internal_details(answer_text: str) -> list[str]:
    """Kinds of pipeline detail that show in the answer text (empty = the answer reads as plain language)."""
    text = strip_citation_markers(answer_text)
    return [label for label, pattern in INTERNAL_DETAIL if pattern.search(text)]


def answer_words(answer_text: str) -> int:
    """Words a reader reads: citation markers and Markdown scaffolding are not words."""
    return len(re.findall(r"[\w$%€£][\w$%€£.,'’-]*", strip_citation_markers(answer_text)))


def lead_answers(
    answer_text: str, gold_facts: Sequence[Mapping[str, Any]], embed_fn: EmbedFn | None = None
) -> float | None:
    """1.0 when the first sentence states a gold fact (the answer comes first), else 0.0; None without facts.

    A proxy for "the first sentence answers what was asked": the gold facts are the answer a reader of the
    sources would give, so a lead that states none of them is about something else or is preamble.
    """
    if not gold_facts:
        return None
    sentences = claim_split(answer_text, min_words=1)
    if not sentences:
        return 0.0
    return float((gold_fact_recall(sentences[0].raw, gold_facts, embed_fn) or 0.0) > 0)


def off_gold_share(
    answer_text: str, gold_facts: Sequence[Mapping[str, Any]], embed_fn: EmbedFn | None = None
) -> float | None:
    """Share of the sentences after the first that state no gold fact: an upper bound on padding.

    Why an upper bound: a needed caveat (what a figure measures, which source to trust) states no gold fact
    either; read the worst cases before calling a sentence padding. None without facts or without a second
    sentence.
    """
    if not gold_facts:
        return None
    rest = claim_split(answer_text, min_words=1)[1:]
    if not rest:
        return None
    off = sum(1 for s in rest if not gold_fact_recall(s.raw, gold_facts, embed_fn))
    return off / len(rest)


# ---------------------------------------------------------------------------------------------------------
# One case end to end (what the harness will call)
# ---------------------------------------------------------------------------------------------------------


def score_case(
    case: Mapping[str, Any],
    answer: Answer,
    retrieved: Sequence[Any] = (),
    embed_fn: EmbedFn | None = None,
    *,
    k: int = 6,
) -> dict[str, Any]:
    """Every metric for one dev-set case and the advisor's `Answer` to it.

    `retrieved` is the ranked evidence the advisor looked at (objects with `.source` and `.text`);
    when empty, the cited passages stand in for it in faithfulness, and retrieval metrics are None.
    Metrics that do not apply (grounding of an expected refusal, retrieval without gold) are None.
    """
    text = str(getattr(answer, "text", ""))
    refused = bool(getattr(answer, "refused", False))
    expect_refusal = bool(case.get("expect_refusal", False))
    cited = citation_texts(getattr(answer, "citations", []) or [])
    violations = must_not_violations(
        text, case.get("forbidden_strings", []) or [], case.get("forbidden_figures", []) or []
    )
    result: dict[str, Any] = {
        "id": case.get("id"),
        "category": case.get("category"),
        "refusal_correct": refusal_correct(refused, expect_refusal),
        "must_not_violations": violations,
        "must_not_ok": not violations,
        "gold_fact_recall": None,
        "answer_relevance": None,
        "faithfulness": None,
        "citation_recall": None,
        "citation_precision": None,
        f"recall@{k}": None,
        "mrr": None,
        f"ndcg@{k}": None,
        f"source_recall@{k}": None,
    }
    result.update(words=answer_words(text), internal_detail_free=not internal_details(text),
                  lead_answers=None, off_gold_share=None)
    if expect_refusal:
        return result
    gold_facts = list(case.get("gold_facts", []) or [])
    if not refused:
        result.update(lead_answers=lead_answers(text, gold_facts, embed_fn),
                      off_gold_share=off_gold_share(text, gold_facts, embed_fn))
    else:
        result["lead_answers"] = 0.0 if gold_facts else None
    claims = claim_split(text)
    evidence = [_source_and_text(it)[1] for it in retrieved] or list(cited.values())
    scores = citation_scores(claims, cited, embed_fn)
    result.update(
        gold_fact_recall=gold_fact_recall(text, gold_facts, embed_fn),
        faithfulness=faithfulness(claims, evidence, embed_fn),
        citation_recall=scores.recall,
        citation_precision=scores.precision,
    )
    if embed_fn is not None:
        result["answer_relevance"] = answer_relevance(str(case.get("question", "")), text, embed_fn)
    gold = gold_passages(gold_facts)
    if retrieved and gold:
        result[f"recall@{k}"] = recall_at_k(retrieved, gold, k)
        result["mrr"] = mrr(retrieved, gold)
        result[f"ndcg@{k}"] = ndcg_at_k(retrieved, gold, k)
    if retrieved and case.get("gold_sources"):
        result[f"source_recall@{k}"] = source_recall_at_k(retrieved, case["gold_sources"], k)
    return result


__all__ = [
    "FACT_OVERLAP_THRESHOLD",
    "FACT_SIM_THRESHOLD",
    "MIN_CLAIM_WORDS",
    "OVERLAP_THRESHOLD",
    "SIM_THRESHOLD",
    "CitationScores",
    "Claim",
    "EmbedFn",
    "GoldPassage",
    "answer_relevance",
    "answer_words",
    "cached_embed_fn",
    "citation_precision",
    "citation_recall",
    "citation_scores",
    "citation_texts",
    "claim_split",
    "contains_figures",
    "content_tokens",
    "faithfulness",
    "figure_found",
    "figures_supported",
    "gold_fact_recall",
    "gold_passages",
    "internal_details",
    "is_relevant",
    "lead_answers",
    "max_similarity",
    "mrr",
    "must_not_violations",
    "ndcg_at_k",
    "normalize_figures",
    "normalize_text",
    "off_gold_share",
    "recall_at_k",
    "refusal_correct",
    "score_case",
    "source_recall_at_k",
    "split_sentences",
    "strip_citation_markers",
    "strip_markup",
    "supports",
    "token_overlap",
]
