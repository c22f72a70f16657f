"""Corpus loaders: each source file becomes `Doc`s with stable ids and metadata."""

from advisor.corpus.articles import load_article_meta, load_articles
from advisor.corpus.bls import load_bls
from advisor.corpus.docs import Doc
from advisor.corpus.postings import load_postings

__all__ = ["Doc", "load_article_meta", "load_articles", "load_bls", "load_postings"]
