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


def test_a_short_term_before_its_definition_is_kept_as_its_subject():
    """000 lists new roles as "LLM Operations Engineer. Manages the infrastructure ...": the name alone is too
    short to quote and the definition alone doesn't say what it defines."""
    from advisor.agent.compose import candidates
    from advisor.types import Evidence

    ev = Evidence("p1", "The Roles That Did Not Exist Two Years Ago\nLLM Operations Engineer. Manages the "
                  "infrastructure behind large language model deployments. Borrows from DevOps but is specific to "
                  "AI systems.", "000_x.txt", "t", "article", locator="The Roles That Did Not Exist Two Years Ago")
    texts = [c.text for c in candidates([ev])]
    assert texts[0] == "LLM Operations Engineer: Manages the infrastructure behind large language model deployments."
    assert texts[1] == "Borrows from DevOps but is specific to AI systems."
    assert len(texts) == 2


def test_an_article_figure_is_one_sentence_in_the_articles_words():
    from advisor.agent.compose import candidates
    from advisor.tools.salary import ArticleFigure

    fig = ArticleFigure(id="x", article_file="000_x.txt", title="T", figure_usd=90_000, measures="low end",
                        quote="Salaries range from $90,000 for junior profiles to over $175,000 at frontier AI "
                              "companies.", statistic="low", pay="base", basis="range", role="Prompt Engineer",
                        role_key="prompt engineer", country="US", year=2026)
    (only,) = candidates([fig.evidence()])
    assert only.text == ('The article "T" says of Prompt Engineer pay (United States, 2026): "Salaries range from '
                         '$90,000 for junior profiles to over $175,000 at frontier AI companies".')
    assert "000_x.txt" not in only.text and fig.evidence().metadata["measures"] == "low end"
    bare = fig.model_copy(update={"quote": "Prompt engineers are well paid.", "country": None})
    assert bare.text.endswith('"Prompt engineers are well paid" ($90,000).')  # the figure, when the words lack it


def test_a_pay_answer_for_one_role_skips_figures_about_other_roles():
    from advisor.agent.compose import Candidate, _about_other_roles
    from advisor.types import Evidence

    ai = Evidence("p", "A $62K Gap Has Already Opened Inside the AI Engineer Title\nYet within it, there is already a "
                  "$62,400 salary split.", "003_x.txt", "t", "article")
    split = Candidate("Yet within it, there is already a $62,400 salary split.", ai, 0)
    assert _about_other_roles(split, ["machine learning engineer"])  # its passage is about AI engineers
    assert not _about_other_roles(split, ["AI engineer"])
    assert not _about_other_roles(split, ["machine learning engineer", "AI engineer"])  # one of two compared
    ml = Candidate("ML engineers earn a median of $150,000.", ai, 1)
    assert not _about_other_roles(ml, ["machine learning engineer"])  # the sentence names the role itself


def test_a_sentence_pointing_at_a_chart_the_answer_cannot_show_is_never_quoted():
    from advisor.agent.compose import candidates
    from advisor.types import Evidence

    ev = Evidence("p1", "The chart above shows what AI Engineer means to a hiring manager in 2026. LLMs appear in "
                  "55.5% of AI Engineer postings. Those two numbers tell the core story of the market today.",
                  "003_x.txt", "t", "article")
    assert [c.text for c in candidates([ev])] == ["LLMs appear in 55.5% of AI Engineer postings."]


def test_a_figure_about_a_country_not_asked_is_not_filler():
    from advisor.agent.compose import _about_other_places

    uk = 'In the UK, a StackOverflow/ITPro study found median salaries of £112K for "AI and ML engineers".'
    assert _about_other_places(uk, ["France"])
    assert not _about_other_places(uk, ["United Kingdom"])
    assert not _about_other_places("ML engineers earn a median of $150,000.", ["France"])  # names no country


def test_a_question_the_article_asks_its_reader_is_no_answer():
    from advisor.agent.compose import candidates
    from advisor.types import Evidence

    ev = Evidence("p1", "Companies want to know: Can you document your system so that someone else can maintain it "
                  "six months from now? These are the questions that separate candidates who get hired.",
                  "001_x.txt", "t", "article")
    texts = [c.text for c in candidates([ev])]
    assert not any(t.endswith("?") for t in texts), texts
    assert not any(t.startswith(":") or "?:" in t for t in texts), texts  # a question is not a heading to join


def test_after_the_datas_answer_a_sentence_about_other_roles_only_is_left_out(advisor):
    """Once the data answered for the role asked, a passage sentence that speaks only of other roles is no part
    of the answer; with no role asked it may be."""
    from advisor.agent.compose import Composer, Scope
    from advisor.types import Evidence

    advisor.ensure_index()
    lead = Evidence("t1", "In data analyst postings the most requested skills were sql (54.8%) and excel (38.4%).",
                    "postings.csv", "postings", "posting_stats")
    passage = Evidence("p1", "Machine learning engineers focus heavily on taking predictive models into production "
                       "and learn their skills in order. Learners should first master SQL and spreadsheets, then "
                       "learn a programming language in order.", "004_x.txt", "t", "article", score=0.6)
    composer = Composer(advisor.embedder, 0.1, 6)
    question = "what skills should I learn first, in order, to become a data analyst?"

    def said(roles: tuple[str, ...]) -> str:
        return composer.compose(question, [lead, passage], lead=[lead], scope=Scope(advice=True, roles=roles)).text

    assert "Machine learning engineers" in said(())
    assert "Machine learning engineers" not in said(("data analyst",)) and "Learners" in said(("data analyst",))


def test_after_the_figures_a_passage_adds_a_figure_only_on_a_name_or_two_words_the_question_asks():
    from advisor.agent.compose import Candidate, _adds_to_the_figures, _stem
    from advisor.types import Evidence

    ev = Evidence("p", "x", "004_x.txt", "t", "article")
    hubs = Candidate("Austin, Boston, and Denver represent hubs offering competitive compensation at about "
                     "222,500 dollars for senior roles.", ev, 0)
    seattle = Candidate("Regional Job Counts: Seattle had 1,472 posted AI jobs (early 2025).", ev, 1)
    unserved = {_stem(w): idf for w, idf in (("offer", 4.6), ("houston", 5.1), ("seattle", 5.1))}  # not in the lead
    assert not _adds_to_the_figures(hubs, [], unserved)  # "offering" is not the asker's "offer"
    assert _adds_to_the_figures(seattle, [], unserved)  # a place the question names


def test_a_figure_about_other_cities_is_not_added_to_a_places_figures() -> None:
    """Under figures for Tampa (or for the US as a whole), "Austin, Boston and Denver ... $222,500" is about other
    places; a sentence about the city asked, or about the country only, is not."""
    from advisor.agent.compose import _about_other_places

    other = "Austin, Boston, and Denver offer competitive compensation, approximately $222,500 for senior roles."
    assert _about_other_places(other, ["United States"], ["Tampa"])
    assert _about_other_places(other, ["United States"], [])
    assert not _about_other_places(other, ["United States"])  # no data figures: cities may be the answer
    assert not _about_other_places("Austin pays data engineers around $130,000.", ["United States"], ["Austin"])
    assert not _about_other_places("US AI engineers earn a median of $138,000.", ["United States"], ["Tampa"])


def _real_composer():
    from advisor.agent.compose import Composer
    from advisor.embeddings import Embedder

    return Composer(Embedder())


def _article(eid: str, text: str):
    from advisor.types import Evidence

    return Evidence(eid, text, "000_x.txt", "An article", "article", score=0.5)


def test_a_question_of_a_message_no_line_serves_gets_the_passage_that_answers_it():
    """"which pays more? and which is easier to get into without a masters": the pay lines don't serve the second
    question; the passage sentence on degrees does, so it is added (cited) instead of the question dropped."""
    pay = _article("pay", "Data scientists in the United States reported a median salary of $157,850 a year.")
    degree = _article("degree", "Many organizations still require or prefer at least a bachelor's degree for "
                      "entry-level positions, with Computer Science or Mathematics remaining common majors.")
    composer = _real_composer()
    comp = composer.compose("which pays more in the US, data science or data engineering?", [pay])
    parts = ["which pays more in the US", "which one is easier to get into without a masters degree"]
    served, missed = composer.serve_parts(parts, comp, [pay, degree])
    assert missed == []
    assert served.lines[0] == comp.lines[0] and "bachelor's degree" in served.lines[-1]
    assert [c.evidence_id for c in served.citations] == ["pay", "degree"]


def test_a_question_nothing_answers_is_returned_to_be_said():
    pay = _article("pay", "Data scientists in the United States reported a median salary of $157,850 a year.")
    cooking = _article("cook", "The cafeteria serves pasta on Tuesdays and a vegetarian curry every Friday.")
    composer = _real_composer()
    comp = composer.compose("what do data scientists earn in the US?", [pay])
    parts = ["what do data scientists earn in the US", "how many vacation days do they get"]
    served, missed = composer.serve_parts(parts, comp, [pay, cooking])
    assert missed == ["how many vacation days do they get"] and served.lines == comp.lines


def test_one_question_is_left_as_composed():
    pay = _article("pay", "Data scientists in the United States reported a median salary of $157,850 a year.")
    composer = _real_composer()
    comp = composer.compose("what do data scientists earn in the US?", [pay])
    assert composer.serve_parts(["what do data scientists earn in the US"], comp, [pay]) == (comp, [])


def test_a_question_too_bare_to_judge_is_not_called_unserved():
    """"are there data jobs in germany? how many and what kind?": "how many" has no word to compare; a note that
    the answer doesn't speak to it would be false."""
    count = _article("n", "The 2023 postings hold 263 data-job postings in Germany, most of them data analysts.")
    composer = _real_composer()
    comp = composer.compose("are there data jobs in germany?", [count])
    assert composer.serve_parts(["are there data jobs in germany", "how many", "what kind"], comp, [count]) == \
        (comp, [])


def test_the_same_step_in_other_words_is_said_once():
    first = ("The foundation involves strong programming proficiency, particularly in Python, combined with "
             "understanding of machine learning and deep learning fundamentals.")
    again = ("The foundational layer involves programming proficiency, particularly in Python, which has become the "
             "de facto language for AI work.")
    assert _redundant(again, first, 0.72)
    other = "Cloud Platforms: Amazon SageMaker, Azure Machine Learning, and Vertex AI are the production environments."
    assert not _redundant(other, first, 0.66)  # near in topic, other words: another step


def test_an_articles_sample_notation_is_said_in_words_and_its_quote_kept():
    """"median $140,000 (n=635)" reads as internal detail in an answer; the line says "635 in the sample" and the
    citation keeps the article's own words for the sources panel."""
    from advisor.sources import has_internal_detail

    ev = _article("gap", "US postings with generative AI skills report a median base salary of $140,000 (n=635), "
                  "against $77,600 for the n=77 postings without AI skills.")
    comp = _real_composer().compose("what do AI engineer postings with generative AI skills pay?", [ev])
    assert comp.lines and not has_internal_detail(comp.text)
    assert "(635 in the sample)" in comp.text and "the 77 postings" in comp.text
    assert "(n=635)" in comp.citations[0].quote
