"""Sentence splitting and markup cleaning on shapes the articles really contain."""

from advisor.text import clean_markup, split_sentences


def test_a_table_row_is_not_cut_at_an_abbreviation():
    row = "Country/Region: Germany; Median (Local): €72,000; Approx. (USD): ~$79,000; Notes: Glassdoor."
    assert split_sentences(row) == [row]
    assert split_sentences("It was approx. 5 percent of the postings that year, up from before. Then it grew.") == [
        "It was approx. 5 percent of the postings that year, up from before.", "Then it grew."]
    assert len(split_sentences("They use Python, SQL, etc. Then they deploy the models to production.")) == 2
    aside = ("Much of what AI engineers do – deploying models, writing scalable ML software, etc. – has existed "
             "under other labels for years.")
    assert split_sentences(aside + " What has changed is the growth.") == [aside, "What has changed is the growth."]
    assert len(split_sentences("how long does the switch take? i can only study in the evenings after work.")) == 2


def test_superscript_citations_and_unpaired_emphasis_are_removed():
    raw = ("- Regional Job Counts:** Axios reported ⁽²⁷⁾ www.axios.com) growth, with layoffs (~9,000 ⁽³⁴⁾ "
           "www.windowscentral.com) ⁽³⁵⁾ www.windowscentral.com)).")
    assert clean_markup(raw) == "- Regional Job Counts: Axios reported growth, with layoffs (~9,000)."
    assert clean_markup("**24 AI experts** from DeepMind") == "24 AI experts from DeepMind"


def test_splitting_from_several_threads_gives_the_single_threaded_result():
    """pysbd's Segmenter keeps the text it splits on itself: shared across threads, it split others' texts."""
    from concurrent.futures import ThreadPoolExecutor

    from advisor.config import DEFAULT_CORPUS

    texts = [p for f in sorted((DEFAULT_CORPUS / "articles").glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n") if len(p) > 200][:60]
    assert len(texts) >= 40
    alone = [split_sentences(t) for t in texts]
    with ThreadPoolExecutor(6) as pool:  # each worker walks the texts from a different start
        runs = list(pool.map(lambda k: [(i, split_sentences(texts[i])) for i in
                                        [(k * 7 + j) % len(texts) for j in range(len(texts))]], range(6)))
    wrong = sum(got != alone[i] for run in runs for i, got in run)
    assert wrong == 0, f"{wrong} of {6 * len(texts)} splits differ from the single-threaded split"


def test_split_sentences_gives_each_caller_its_own_list() -> None:
    """Splits are remembered per text; a caller editing its list must not change the next caller's."""
    text = "AI engineers build products on top of models. They ship them to users every week."
    first = split_sentences(text)
    first.append("something else")
    assert split_sentences(text) == ["AI engineers build products on top of models.",
                                     "They ship them to users every week."]
