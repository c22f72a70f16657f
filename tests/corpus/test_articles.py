from pathlib import Path

from advisor.config import DEFAULT_CORPUS
from advisor.corpus.articles import ArticleMeta, chunk_article, load_article_meta, load_articles

ARTICLES = DEFAULT_CORPUS / "articles"


def test_every_article_has_metadata_and_chunks():
    meta = load_article_meta(ARTICLES)
    assert len(meta) == 5
    docs = load_articles(ARTICLES)
    assert {d.source for d in docs} == set(meta)
    assert all(d.title == meta[d.source].cited_as for d in docs)
    # citations name the publisher and date: "never a figure without its source and year"
    by_file = {d.source: d.title for d in docs}
    assert by_file["002_214ed8fdc024dfea.txt"].endswith("(IntuitionLabs.ai, 2025-11-25)")
    assert by_file["000_cae7c680ce1796fc.txt"].endswith("(2026)")


def test_ids_are_stable_and_unique():
    first, second = load_articles(ARTICLES), load_articles(ARTICLES)
    assert [d.id for d in first] == [d.id for d in second]
    assert len({d.id for d in first}) == len(first)
    assert [d.content_hash for d in first] == [d.content_hash for d in second]


def test_chunks_fit_the_embedder_and_carry_their_heading():
    docs = load_articles(ARTICLES)
    prose = [d for d in docs if d.metadata["block"] == "prose"]
    assert max(len(d.text) for d in prose) < 1100  # ~900 chars + heading: under MiniLM's 256 tokens
    faq = [d for d in docs if d.locator.startswith("Q. What percentage of AI Engineer postings")]
    assert faq and faq[0].text.startswith(faq[0].locator)


def test_tables_are_kept_whole():
    docs = load_articles(ARTICLES)
    table = [d for d in docs if d.metadata["block"] == "table" and "| AI Agents | 47.3% | 1,967 |" in d.text]
    assert len(table) == 1
    assert "| Machine Learning | 58.9% | 2,451 |" in table[0].text and "| MLOps | 20.0% | 832 |" in table[0].text


def test_markup_is_stripped_and_figures_kept():
    docs = [d for d in load_articles(ARTICLES) if d.source.startswith("002")]
    text = "\n".join(d.text for d in docs)
    assert "^{" not in text and "](#)" not in text and "\\$" not in text
    assert "median US AI engineer pay >$138K" in text


def test_advertising_is_not_indexed():
    text = "\n".join(d.text for d in load_articles(ARTICLES))
    assert "IntuitionLabs leads the US market" not in text
    assert "Ready to practice?" not in text
    assert "AI-generated content may contain errors" not in text


def test_reference_lists_are_not_indexed_but_prose_with_a_link_is():
    docs = load_articles(ARTICLES)
    assert not any("<https://www.axios.com/2025/01/07/ai-jobs-on-the-rise" in d.text for d in docs)
    assert not any(d.locator == "External Sources" for d in docs)
    # a claim that cites its link inline is content, not a bibliography
    assert any("Seattle had 1,472 posted AI jobs" in d.text for d in docs)
    prose = "Findings\nLinkedIn ranked AI Engineer #1 (see https://example.org/report) among US job titles in 2025."
    assert chunk_article(prose, ArticleMeta("x.txt", "X", None, "2026"))


def test_overlap_between_consecutive_prose_chunks():
    long = "Heading One\n" + " ".join(f"Sentence number {i} talks about AI engineering careers." for i in range(60))
    docs = chunk_article(long, ArticleMeta("x.txt", "X", None, "2026"))
    assert len(docs) >= 3
    tail = docs[0].text.split()[-4:]
    assert " ".join(tail) in docs[1].text  # the splitter's overlap carries context across chunks
    assert all(d.locator == "Heading One" for d in docs)
    assert all(d.metadata["year"] == 2026 for d in docs)


def test_unknown_article_gets_a_title_from_its_first_line(tmp_path: Path):
    (tmp_path / "new.txt").write_text("My New Article\n\nSome body text about prompt engineers and salaries here.\n")
    meta = load_article_meta(tmp_path)
    assert meta["new.txt"].title == "My New Article"
    assert load_articles(tmp_path)[0].metadata["role"] == "Prompt Engineer"


def test_a_sentence_broken_across_paragraphs_is_joined_but_a_tag_list_is_not():
    docs = load_articles(DEFAULT_CORPUS / "articles")
    text = " ".join(d.text for d in docs if d.source.startswith("002"))
    assert "plus knowledge of model deployment, containerization" in text
    assert "ai engineer artificial intelligence" not in text.lower(), "the article's tag list stays lines apart"
