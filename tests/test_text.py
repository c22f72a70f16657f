"""Sentence splitting and markup cleaning on shapes the articles really contain."""

from advisor.text import clean_markup, split_sentences


def test_a_table_row_is_not_cut_at_an_abbreviation():
    row = "Country/Region: Germany; Median (Local): €72,000; Approx. (USD): ~$79,000; Notes: Glassdoor."
    assert split_sentences(row) == [row]
    assert split_sentences("It was approx. 5 percent of the postings that year, up from before. Then it grew.") == [
        "It was approx. 5 percent of the postings that year, up from before.", "Then it grew."]
    assert len(split_sentences("They use Python, SQL, etc. Then they deploy the models to production.")) == 2


def test_superscript_citations_and_unpaired_emphasis_are_removed():
    raw = ("- Regional Job Counts:** Axios reported ⁽²⁷⁾ www.axios.com) growth, with layoffs (~9,000 ⁽³⁴⁾ "
           "www.windowscentral.com) ⁽³⁵⁾ www.windowscentral.com)).")
    assert clean_markup(raw) == "- Regional Job Counts: Axios reported growth, with layoffs (~9,000)."
    assert clean_markup("**24 AI experts** from DeepMind") == "24 AI experts from DeepMind"
