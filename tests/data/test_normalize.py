"""Free-text → dataset vocabulary: roles, levels, countries, years, remote, and clear errors."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from advisor.data.normalize import (
    ROLE_SPECS,
    ContradictionError,
    NormalizationError,
    UnknownCountryError,
    UnknownRoleError,
    experience_from_years,
    find_country_in_text,
    parse_experience,
    parse_level,
    parse_query,
    parse_remote,
    parse_year,
    resolve_country,
    resolve_role,
)


@pytest.mark.parametrize(
    "text",
    [
        "ml eng",
        "machine learning engineer",
        "MLE",
        "Machine Learning Engineer",
        "senior ML engineer",
        "ML Engineering",
    ],
)
def test_machine_learning_engineer_aliases(text: str) -> None:
    m = resolve_role(text)
    assert m.key == "machine_learning_engineer"
    assert m.salary_titles == ["Machine Learning Engineer"]
    assert m.postings_short_titles == ["Machine Learning Engineer"]
    assert m.bls_codes == ["15-1221", "15-2051"]
    assert "nearest" in m.bls_note


def test_ai_engineer_uses_raw_title_regex_in_postings() -> None:
    m = resolve_role("AI engineer")
    assert m.salary_titles == ["AI Engineer"]
    assert m.postings_short_titles == []
    assert m.postings_title_regex and re.search(m.postings_title_regex, "Senior AI Engineer", re.I)
    assert "no AI-engineer class" in m.postings_note


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("prompt engineer", "Prompt Engineer"),
        ("data scientist", "Data Scientist"),
        ("data engineer", "Data Engineer"),
        ("data analyst", "Data Analyst"),
        ("software engineer", "Software Engineer"),
        ("SWE", "Software Engineer"),
        ("MLOps", "MLOps Engineer"),
        ("mlops engineer", "MLOps Engineer"),
        ("AI architect", "AI Architect"),
        ("research scientist", "Research Scientist"),
        ("AI researcher", "AI Researcher"),
        ("nlp engineer", "NLP Engineer"),
    ],
)
def test_curated_roles(text: str, title: str) -> None:
    assert resolve_role(text).salary_titles == [title]


def test_survey_title_fallback_and_seniority_words_are_not_part_of_the_role() -> None:
    titles = ["Head of Data", "Quantitative Researcher", "Data Scientist"]
    m = resolve_role("Quantitative Researcher", titles)
    assert m.key == "title:Quantitative Researcher" and m.salary_titles == ["Quantitative Researcher"]
    assert m.bls_codes == []
    q = parse_query("lead data scientist", titles)
    assert q.role.key == "data_scientist" and q.experience == "EX"
    # A survey title containing a level word keeps it as part of the title, not as a level filter.
    q = parse_query("Head of Data", titles)
    assert q.role.salary_titles == ["Head of Data"] and q.experience is None


def test_unknown_role_lists_close_matches() -> None:
    with pytest.raises(UnknownRoleError) as err:
        resolve_role("data scienist")
    assert "Unknown role 'data scienist'" in str(err.value)
    assert "Data Scientist" in err.value.suggestions
    assert "Close matches:" in str(err.value)
    with pytest.raises(UnknownRoleError) as err:
        resolve_role("astronaut")
    assert "Known roles include" in str(err.value)
    with pytest.raises(UnknownRoleError):
        resolve_role("   ")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("junior data analyst", "EN"),
        ("entry level data analyst", "EN"),
        ("entry-level", "EN"),
        ("mid data engineer", "MI"),
        ("mid-level", "MI"),
        ("senior MLE", "SE"),
        ("sr. data scientist", "SE"),
        ("lead data scientist", "EX"),
        ("principal engineer", "EX"),
        ("staff ML engineer", "EX"),
        ("director of data", "EX"),
        ("senior staff engineer", "EX"),
    ],
)
def test_level_words(text: str, level: str) -> None:
    assert parse_experience(text)[0] == level


def test_years_of_experience() -> None:
    assert parse_experience("data scientist with 8 years")[1:] == (8, [])
    assert parse_experience("10+ yrs")[1] == 10
    assert experience_from_years(8) == "SE"
    assert experience_from_years(1) == "EN"
    assert experience_from_years(3) == "MI"
    assert parse_level("SE") == "SE" and parse_level("senior") == "SE" and parse_level("Lead") == "EX"
    with pytest.raises(NormalizationError, match="Unknown experience level"):
        parse_level("wizard")


def test_contradictory_levels() -> None:
    with pytest.raises(ContradictionError, match="10 years"):
        parse_experience("junior data scientist with 10 years")
    with pytest.raises(ContradictionError, match="Contradictory experience words"):
        parse_experience("junior senior engineer")
    with pytest.raises(ContradictionError):
        parse_experience("senior, 1 year of experience")


@pytest.mark.parametrize(
    ("text", "iso2"),
    [
        ("Germany", "DE"),
        ("DE", "DE"),
        ("de", "DE"),
        ("UK", "GB"),
        ("GB", "GB"),
        ("United Kingdom", "GB"),
        ("Britain", "GB"),
        ("great britain", "GB"),
        ("US", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("u.s.", "US"),
        ("the Netherlands", "NL"),
        ("Türkiye", "TR"),
        ("India", "IN"),
        ("DEU", "DE"),
    ],
)
def test_countries(text: str, iso2: str) -> None:
    c = resolve_country(text)
    assert c.iso2 == iso2


def test_country_postings_spelling() -> None:
    assert resolve_country("North Macedonia").postings_name == "Macedonia (FYROM)"
    assert resolve_country("US").postings_name == "United States"


def test_unknown_country_lists_close_matches() -> None:
    with pytest.raises(UnknownCountryError) as err:
        resolve_country("Germny")
    assert "Unknown country 'Germny'" in str(err.value)
    assert err.value.suggestions[0] == "Germany"
    with pytest.raises(UnknownCountryError, match="Known countries include"):
        resolve_country("Atlantis")


def test_country_in_free_text_ignores_ordinary_words() -> None:
    assert find_country_in_text("tell us about data engineer pay in 2024")[0] is None
    assert find_country_in_text("QA engineer salaries")[0] is None
    c, _ = find_country_in_text("ML engineer in the UK")
    assert c is not None and c.iso2 == "GB"
    c, _ = find_country_in_text("data scientist DE")
    assert c is not None and c.iso2 == "DE"
    c, _ = find_country_in_text("data scientist in New Jersey")
    assert c is None


def test_year_and_remote() -> None:
    assert parse_year("ML engineer 2024") == 2024
    assert parse_year("no year") is None
    assert parse_remote("fully remote data engineer") is True
    assert parse_remote("on-site data engineer") is False
    assert parse_remote("data engineer") is None


def test_parse_query_full_sentence() -> None:
    q = parse_query("senior MLE in Germany, remote, 2024")
    assert q.role.key == "machine_learning_engineer"
    assert (q.experience, q.country and q.country.iso2, q.remote, q.year) == ("SE", "DE", True, 2024)
    assert q.role.query_text == "senior MLE in Germany, remote, 2024"


def test_curated_mappings_exist_in_the_data(
    salaries_df: pd.DataFrame, postings_df: pd.DataFrame, bls_df: pd.DataFrame
) -> None:
    """Every curated title, postings class and BLS code must exist, or a filter silently matches nothing."""
    titles = set(salaries_df["job_title"])
    shorts = set(postings_df["job_title_short"])
    codes = set(bls_df["occ_code"])
    for spec in ROLE_SPECS:
        assert set(spec.salary_titles) <= titles, spec.key
        assert set(spec.postings_short) <= shorts, spec.key
        assert set(spec.bls_codes) <= codes, spec.key
        if spec.postings_title_regex:
            re.compile(spec.postings_title_regex)


@pytest.mark.parametrize("text, code", [("directors", "EX"), ("seniors", "SE"), ("juniors", "EN"), ("leads", "EX")])
def test_levels_in_the_plural(text: str, code: str) -> None:
    assert parse_level(text) == code
