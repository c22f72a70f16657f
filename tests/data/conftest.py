"""Fixtures for the data-store tests: one store built from the full shipped CSVs per session.

The store lives under the session's base temp dir, so tests/tools reuses the
same file (its fixture finds the content hash unchanged and only opens it).
"""

from __future__ import annotations

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
