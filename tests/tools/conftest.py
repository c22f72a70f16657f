"""Fixtures for the data-tool tests: the same session store as tests/data, plus pandas copies of the CSVs.

The expected statistics in these tests are computed from the CSV files with
pandas, independently of DuckDB, and compared with the tools' output exactly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from advisor.config import DEFAULT_CORPUS, Settings
from advisor.data.store import Store, open_store


def full_store_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = Path(tmp_path_factory.getbasetemp()) / "advisor_full_store"
    data_dir.mkdir(exist_ok=True)
    return Settings(corpus_dir=DEFAULT_CORPUS, data_dir=data_dir)


@pytest.fixture(scope="session")
def store_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return full_store_settings(tmp_path_factory)


@pytest.fixture(scope="session")
def store(store_settings: Settings) -> Store:
    return open_store(store_settings)


@pytest.fixture(scope="session")
def salaries_df(store_settings: Settings) -> pd.DataFrame:
    return pd.read_csv(store_settings.salaries_csv, keep_default_na=False)


@pytest.fixture(scope="session")
def postings_df(store_settings: Settings) -> pd.DataFrame:
    return pd.read_csv(store_settings.postings_csv, keep_default_na=False, dtype=str)


@pytest.fixture(scope="session")
def bls_df(store_settings: Settings) -> pd.DataFrame:
    return pd.read_csv(store_settings.bls_csv, keep_default_na=False, dtype=str)


@pytest.fixture(scope="session")
def sal(salaries_df: pd.DataFrame) -> pd.DataFrame:
    """Survey rows with `is_dup`: an exact duplicate of an earlier row (the store keeps and counts them)."""
    df = salaries_df.copy()
    df["is_dup"] = df.duplicated(keep="first")
    return df


@pytest.fixture(scope="session")
def posts(postings_df: pd.DataFrame) -> pd.DataFrame:
    """Postings with yearly pay, skill sets, year and the country re-derived as the store does (the Sudan artifact),
    written independently of the store."""
    df = postings_df.copy()
    df["yearly"] = [
        float(h) * 2080 if rate == "hour" else float(y)
        for rate, y, h in zip(df["salary_rate"], df["salary_year_avg"], df["salary_hour_avg"], strict=True)
    ]
    df["skill_set"] = [set(ast.literal_eval(s)) if s else set() for s in df["job_skills"]]
    df["year"] = pd.to_datetime(df["job_posted_date"]).dt.year
    sudan = df["job_country"] == "Sudan"
    loc = df["job_location"].str.replace(r"\s*\(\+\d+ others?\)\s*$", "", regex=True).str.strip()
    us_place = (
        loc.str.contains(r", [A-Z]{2}$")
        | (loc == "United States")
        | (~loc.str.contains(",") & (loc != "") & (loc != "Anywhere"))
    )
    df["country"] = df["job_country"].where(~sudan, None)
    df.loc[sudan & us_place, "country"] = "United States"
    return df
