"""The offline composer does not spend answer slots restating what it already said."""

from advisor.agent.compose import _redundant

FAQ = ("LLMs appear in 55.5% of AI Engineer postings, AI Agents in 47.3%, Generative AI (general) in 40.6%, "
       "RAG (Retrieval-Augmented Generation) in 39.6%, and Prompt Engineering in 27.8%.")
SUMMARY = ("LLMs lead the new-wave stack at 55.5%, followed by AI Agents (47.3%), Generative AI (40.6%), "
           "and RAG (39.6%).")


def test_a_restatement_with_no_new_figure_is_redundant():
    assert _redundant(SUMMARY, FAQ, 0.74)


def test_a_sentence_that_adds_a_figure_is_kept():
    assert not _redundant(FAQ, SUMMARY, 0.74)  # 27.8% for prompt engineering is new


def test_unrelated_sentences_sharing_a_figure_are_kept():
    assert not _redundant("Entry-level is 5.1% of postings.", "Fintech grew 5.1% last year.", 0.30)


def test_paraphrases_without_figures():
    assert _redundant("AI engineers deploy models.", "AI engineers put models into production.", 0.9)
    assert not _redundant("AI engineers deploy models.", "Data scientists analyse data.", 0.5)
