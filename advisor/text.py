"""Text helpers shared by loaders, composer and grounding check.

The articles disagree on how they write numbers ("$140K", "\\$140K", "140,000
dollars"), so every comparison of figures goes through `figures()`, which maps
each spelling to one canonical form. Markup left in the articles is stripped
before a sentence is shown or matched.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CITE_MARKUP = [
    re.compile(r"\s*\^\{\(\[\d+\]\(#\)\)\}\s*\[([^\]]+)\]\(#\)\)?"),  # ^{([4](#))} [www.x.com](#))
    re.compile(r"\s*\(\^\[\d+\]\s*([^)\s]+)\)"),  # (^[7] www.techtarget.com)
    re.compile(r"\s*\^\[\d+\]\s*([^)\s]+)\)?"),  # ^[7] www.techtarget.com)
]
# "⁽²⁷⁾ www.axios.com)": 002's superscript citations; the ")" closes them unless a "(" of the sentence is open
_SUPERSCRIPT_CITE = re.compile(r"\s*⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾\s*(?:[\w-]+(?:\.[\w-]+)+[^)\s]*(\))?)?")


def _drop_superscript_cite(m: re.Match[str]) -> str:
    if not m.group(1):
        return ""
    line = m.string[m.string.rfind("\n", 0, m.start()) + 1 : m.start()]
    return ")" if line.count("(") > line.count(")") else ""
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_markup(text: str) -> str:
    """Strip citation markup, Markdown emphasis and escapes; keep the words and figures."""
    text = text.replace("\\$", "$").replace("\\_", "_").replace("\\*", "*")
    for pattern in _CITE_MARKUP:
        text = pattern.sub("", text)
    text = _SUPERSCRIPT_CITE.sub(_drop_superscript_cite, text)
    text = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = text.replace("**", "")  # an unpaired "Regional Job Counts:**" left by the pass above
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", " - ")
    text = _SPACES.sub(" ", text)
    return re.sub(r" +([,.;:])", r"\1", text).strip()


def without_accents(text: str) -> str:
    """`text` with its letters' accents dropped: "kraków" -> "krakow", "são paulo" -> "sao paulo"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def normalize_question(text: str) -> str:
    """Unicode-normalise and collapse whitespace; drop control characters."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", text).strip()


# --- sentences -------------------------------------------------------------

# Abbreviations a sentence does not end with (pysbd breaks "Approx. (USD)"); "etc." and "U.S." often do end one.
_ABBREV = re.compile(r"\b(e\.g|i\.e|vs|Dr|Mr|Ms|approx|No)\.$", re.IGNORECASE)
# what follows a split that didn't end a sentence: a dash ("... ML software, etc. – has existed under other
# labels"); a lower-case word may start a question's next sentence ("how long? i work full time"), so it doesn't
_GOES_ON = re.compile(r"[–—-]\s")


def split_sentences(text: str) -> list[str]:
    """Sentence split that keeps list items, table rows and FAQ lines apart.

    Lines are split first (the articles put one bullet, row or heading per
    line), then pysbd splits prose lines; pysbd is rule based, so it needs no
    downloaded model. The same passages are split for question after
    question, and pysbd was a third of a loaded server's CPU, so each text's
    sentences are remembered (a pure function of the text; `lru_cache` is
    safe across threads, and each caller gets its own list).
    """
    return list(_split_sentences(text))


@lru_cache(maxsize=8192)
def _split_sentences(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("|") or len(line) < 40:
            out.append(line)
            continue
        for sent in (s.strip() for s in _segment(line)):
            if sent and out and (_ABBREV.search(out[-1]) or out[-1].count('"') % 2 or _GOES_ON.match(sent)) \
                    and not out[-1].startswith("|"):
                out[-1] = f"{out[-1]} {sent}"  # "Approx. (USD): ~$79,000"; "What Is an AI Engineer? Job ..."
            elif sent:
                out.append(sent)
    return tuple(out)


def _segment(line: str) -> list[str]:
    """pysbd's sentences of one line, from a Segmenter made for this call.

    A `pysbd.Segmenter` keeps the text it is splitting on itself
    (`self.original_text`), so one shared across threads splits another
    thread's text: concurrent questions lost sentences and then claims. Making
    one costs ~1.5 µs against ~650 µs to segment a line, so none is shared.
    """
    import pysbd

    return list(pysbd.Segmenter(language="en", clean=False).segment(line))


def is_heading_like(sentence: str) -> bool:
    """Headings, FAQ questions and table scaffolding are not answers."""
    s = sentence.strip()
    if not s:
        return True
    if s.endswith("?") or s.startswith(("Q.", "Q:")):
        return True
    if re.fullmatch(r"\|?[\s|:-]+\|?", s):
        return True
    words = s.split()
    return len(words) <= 8 and not re.search(r"[.!;:]$", s) and not re.search(r"\d", s)


# --- figures -----------------------------------------------------------------

_MONEY = re.compile(
    r"(?P<cur>\$|USD\s?|US\$|€|£)?\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(?P<suf>[kKmMbB]\b|thousand|million|billion)?"
    r"(?P<tail>\s?(?:dollars|USD|usd|euros|EUR|pounds|GBP))?(?P<pct>\s?%|\s?percent\b)?"
)
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}


def figures(text: str) -> set[str]:
    """Canonical figures in `text`: money as '$140000', shares as '47.3%', counts as '1967'.

    Years (1900-2099 with no currency or percent) and citation markers like
    `[3]` are left out: they are labels, not claims to verify.
    """
    text = re.sub(r"\[\d+\]", " ", text.replace("\\$", "$"))
    found: set[str] = set()
    for m in _MONEY.finditer(text):
        raw = m.group("num")
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            continue
        suf = (m.group("suf") or "").lower()
        if m.group("pct"):
            found.add(f"{_fmt(value)}%")
            continue
        is_money = bool(m.group("cur") or m.group("tail"))
        if suf:
            value *= _MULT[suf]
        if not is_money and not suf and "," not in raw and 1900 <= value <= 2099 and "." not in raw:
            continue  # a year
        if not is_money and not suf and value < 10 and "." not in raw:
            continue  # small counts ("3 to 6 months") are words, not figures
        found.add(f"${_fmt(value)}" if is_money or value >= 10_000 else _fmt(value))
    return found


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def figure_matches(claim_figures: set[str], evidence_figures: set[str]) -> set[str]:
    """Figures of a claim that its evidence does not contain (money and bare forms compare equal)."""

    def bare(f: str) -> str:
        return f.lstrip("$")

    ev = {bare(f) for f in evidence_figures}
    return {f for f in claim_figures if bare(f) not in ev}


# --- words -------------------------------------------------------------------

STOPWORDS = frozenset(
    """a an the and or of to in on for with by at from as is are was were be been being it its this that these
    those what which who whom how why when where do does did can could should would will shall may might must
    i me my we our you your he she they them their there here about into over under than then so such not no
    yes if but also just more most much many some any all each other own same very too s t don get got have has
    had having like want need know tell give show please thanks thank am come comes up really actually even
    just lot lots kind sort thing things way ways go going""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.]*[a-z0-9+#]|[a-z0-9]")  # "fastest-growing" → two words


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
