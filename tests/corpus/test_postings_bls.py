import csv

from advisor.config import DEFAULT_CORPUS
from advisor.corpus.bls import load_bls
from advisor.corpus.postings import load_postings, parse_skills, posting_country, yearly_salary

POSTINGS = DEFAULT_CORPUS / "data" / "postings" / "data_jobs_2023_with_salary.csv"
BLS = DEFAULT_CORPUS / "data" / "bls" / "oews_national_selected_2023_2024.csv"


def test_one_document_per_posting_with_readable_fields():
    docs = load_postings(POSTINGS, limit=50)
    rows = list(csv.DictReader(POSTINGS.open(encoding="utf-8")))[:50]
    assert len(docs) == 50 and len({d.id for d in docs}) == 50
    first = docs[0]
    assert rows[0]["company_name"] in first.text and rows[0]["job_title"] in first.text
    assert "Skills: sql, python, aws" in first.text
    assert first.metadata["year"] == 2023 and first.source == POSTINGS.name


def test_sudan_artifact_is_corrected_from_the_location():
    assert posting_country("Sudan", "Bennington, NE") == "United States"
    assert posting_country("Sudan", "Khartoum, Sudan") == "Sudan"
    assert posting_country("Sudan", "Anywhere") == ""
    assert posting_country("Germany", "Berlin, Germany") == "Germany"


def test_hourly_pay_is_normalised_to_yearly_and_labelled():
    pay, how = yearly_salary({"salary_rate": "hour", "salary_hour_avg": "50", "salary_year_avg": ""})
    assert pay == 104_000 and how == "hourly x 2,080"
    pay, how = yearly_salary({"salary_rate": "year", "salary_hour_avg": "", "salary_year_avg": "128050"})
    assert pay == 128_050 and how == "yearly"


def test_skills_parse_from_list_strings():
    assert parse_skills("['sql', 'python']") == ["sql", "python"]
    assert parse_skills("") == []
    assert parse_skills("[sql, python") == ["sql", "python"]  # malformed: best effort, no crash


def test_bls_rows_become_citable_documents():
    docs = load_bls(BLS)
    assert len(docs) == 38
    ds = next(d for d in docs if d.id == "bls:2024:15-2051")
    assert "median annual wage $112,590" in ds.text and "May 2024" in ds.text
    # the occupation code is for the citation's details, not for a sentence a reader gets quoted
    assert "15-2051" not in ds.text and "15-2051" in ds.locator and ds.metadata["occ_code"] == "15-2051"
    top = [d for d in docs if "at least $239,200 (top-coded)" in d.text]
    assert top, "the # marker must be explained, not shown as a number"
