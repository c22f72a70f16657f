"""The DuckDB store: contents checked against the CSVs with pandas, rebuild policy, and article figures."""

from __future__ import annotations

import ast
import json
import os
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from advisor.config import DEFAULT_CORPUS, Settings
from advisor.data.store import (
    ARTICLE_FIGURES_PATH,
    Store,
    content_hash,
    derive_posting_country,
    load_article_figures,
    open_store,
    parse_skills,
    source_files,
)
from advisor.types import IndexNotReadyError

ARTICLES = DEFAULT_CORPUS / "articles"


def test_row_counts_and_meta(store: Store, store_settings: Settings) -> None:
    assert store.meta["rows:salaries"] == "74301"
    assert store.meta["rows:postings"] == "32672"
    assert store.meta["rows:bls"] == "38"
    assert store.meta["content_hash"] == content_hash(source_files(store_settings))
    assert store.fetchone("SELECT count(*) FROM salaries") == (74301,)
    assert store.path == store_settings.store_path and store.path.exists()


def test_reopen_is_cached_and_cheap(store: Store, store_settings: Settings) -> None:
    t0 = time.perf_counter()
    again = open_store(store_settings)
    assert again is store
    assert time.perf_counter() - t0 < 0.05


def test_exact_duplicates_are_kept_and_marked(store: Store, salaries_df: pd.DataFrame) -> None:
    expected = int(salaries_df.duplicated(keep="first").sum())
    assert expected == 39304
    row = store.fetchone(
        "SELECT count(*) FILTER (WHERE dup_rank > 1), count(*) FILTER (WHERE dup_rank = 1) FROM salaries"
    )
    assert row == (expected, 74301 - expected)
    # dup_rank = 1 is the first occurrence in file order, exactly like pandas' keep="first".
    first = salaries_df.index[~salaries_df.duplicated(keep="first")]
    got = [r[0] for r in store.fetchall("SELECT row_id FROM salaries WHERE dup_rank = 1 ORDER BY row_id")]
    assert got == list(first)


def _independent_country(job_country: str, job_location: str) -> str | None:
    """The documented Sudan rule, written independently: Sudan rows are US when the location is a US place."""
    loc = re.sub(r"\s*\(\+\d+ others?\)\s*$", "", job_location).strip()
    if job_country != "Sudan":
        return job_country
    if re.search(r", [A-Z]{2}$", loc) or loc == "United States":
        return "United States"
    if loc and loc != "Anywhere" and "," not in loc:
        return "United States"  # US state names ("Texas", "Georgia") — all such Sudan rows are states
    return None


def test_sudan_artifact(store: Store, postings_df: pd.DataFrame) -> None:
    sudan = postings_df[postings_df["job_country"] == "Sudan"]
    assert len(sudan) == 2680
    assert store.fetchone("SELECT count(*) FROM postings WHERE country_iso2 = 'SD'") == (0,)
    expected_us = sum(_independent_country("Sudan", loc) == "United States" for loc in sudan["job_location"])
    rows = dict(store.fetchall("SELECT country_rule, count(*) FROM postings GROUP BY 1"))
    assert rows["sudan_artifact:job_location"] == expected_us == 1795
    assert rows["sudan_artifact:unknown"] == 2680 - expected_us
    got_us = store.fetchone(
        "SELECT count(*) FROM postings WHERE job_country = 'Sudan' AND country_iso2 = 'US'"
    )
    assert got_us == (expected_us,)
    # Outside the artifact, job_country is kept except where job_location names another country.
    assert rows.get("job_location_disagrees", 0) <= 5


def test_derive_posting_country_cases() -> None:
    assert derive_posting_country("Sudan", "Bennington, NE") == ("US", "sudan_artifact:job_location")
    assert derive_posting_country("Sudan", "Texas") == ("US", "sudan_artifact:job_location")
    assert derive_posting_country("Sudan", "Austin, TX  (+1 other)") == ("US", "sudan_artifact:job_location")
    assert derive_posting_country("Sudan", "Anywhere") == (None, "sudan_artifact:unknown")
    assert derive_posting_country("Sudan", "") == (None, "sudan_artifact:unknown")
    assert derive_posting_country("United Kingdom", "London, UK") == ("GB", "job_country")
    assert derive_posting_country("United States", "Anywhere") == ("US", "job_country")
    assert derive_posting_country("Malaysia", "Singapore") == ("SG", "job_location_disagrees")
    assert derive_posting_country("Canada", "Toronto, ON, Canada") == ("CA", "job_country")


def test_hourly_pay_is_normalised_to_yearly(store: Store, postings_df: pd.DataFrame) -> None:
    hourly = postings_df[postings_df["salary_rate"] == "hour"]
    expected = [float(h) * 2080 for h in hourly["salary_hour_avg"]]
    got = [
        r[0]
        for r in store.fetchall(
            "SELECT salary_yearly FROM postings WHERE salary_rate = 'hour' ORDER BY row_id"
        )
    ]
    assert got == expected
    labels = dict(store.fetchall("SELECT salary_basis, count(*) FROM postings GROUP BY 1"))
    assert labels == {"hourly x 2080": 10636, "yearly": 22036}
    yearly = [float(y) for y in postings_df.loc[postings_df["salary_rate"] == "year", "salary_year_avg"]]
    got = [
        r[0]
        for r in store.fetchall(
            "SELECT salary_yearly FROM postings WHERE salary_rate = 'year' ORDER BY row_id"
        )
    ]
    assert got == yearly


def test_skills_are_parsed_like_python_literals(store: Store, postings_df: pd.DataFrame) -> None:
    expected = [list(dict.fromkeys(ast.literal_eval(s))) if s else [] for s in postings_df["job_skills"]]
    got = [list(r[0]) for r in store.fetchall("SELECT skills FROM postings ORDER BY row_id")]
    assert got == expected
    assert store.fetchone("SELECT count(*) FROM postings WHERE NOT has_skills") == (3187,)
    assert parse_skills("['sql', 'python', 'sql']") == ["sql", "python"]
    assert parse_skills("") == []


def test_bls_values_and_topcode(store: Store, bls_df: pd.DataFrame) -> None:
    row = store.fetchone(
        "SELECT a_median, a_pct25, a_pct75, tot_emp FROM bls "
        "WHERE occ_code = '15-2051' AND reference_year = 2024"
    )
    src = bls_df[(bls_df["occ_code"] == "15-2051") & (bls_df["reference_period"] == "May 2024")].iloc[0]
    assert row == (float(src["a_median"]), float(src["a_pct25"]), float(src["a_pct75"]), int(src["tot_emp"]))
    assert row[0] == 112590
    top = store.fetchall(
        "SELECT occ_code, a_pct90, topcoded FROM bls WHERE topcoded <> '' ORDER BY reference_year"
    )
    assert top == [("11-3021", None, "a_pct90"), ("11-3021", None, "a_pct90")]
    assert (bls_df["a_pct90"] == "#").sum() == 2


def test_article_figure_quotes_are_verbatim() -> None:
    figures = load_article_figures()
    assert len(figures) >= 20
    titles = {
        a["file"]: a["title"] for a in json.loads((ARTICLES / "articles.json").read_text(encoding="utf-8"))
    }
    ids = set()
    for fig in figures:
        text = (ARTICLES / fig["article_file"]).read_text(encoding="utf-8")
        assert fig["quote"] in text, fig["id"]
        assert fig["title"] == titles[fig["article_file"]]
        assert fig["id"] not in ids
        ids.add(fig["id"])
        # The figure itself is in the quote, in one of the articles' spellings.
        n = fig["figure_usd"]
        spellings = {f"{n:,}", f"{n // 1000}K"}
        assert any(s in fig["quote"] for s in spellings), fig["id"]
        assert fig["pay"] in ("base", "total", "unspecified")
        assert fig["statistic"] in ("median", "average", "range_low", "range_high", "typical", "difference")
        assert fig["basis"] in ("postings", "survey", "aggregator", "recruiter", "unspecified")
        assert fig["measures"] and fig["role"]
    quotes = {f["quote"] for f in figures}
    assert any("US median base salary of $140,000" in q for q in quotes)
    assert any("$77,600" in q for q in quotes)
    assert any(r">\$138K" in q for q in quotes)
    assert any("138,000 dollars" in q for q in quotes)


def test_article_figures_in_store_match_json(store: Store) -> None:
    assert store.article_figures() == load_article_figures(ARTICLE_FIGURES_PATH)


# -- rebuild policy, on a small copy of the corpus so builds are fast --------------------------------------


def _small_corpus(dest: Path) -> Path:
    for sub, name, rows in (
        ("salaries", "salaries_aijobs_snapshot_2025-01-19.csv", 3000),
        ("postings", "data_jobs_2023_with_salary.csv", 2000),
        ("bls", "oews_national_selected_2023_2024.csv", 10**6),
    ):
        src = DEFAULT_CORPUS / "data" / sub / name
        (dest / "data" / sub).mkdir(parents=True)
        with src.open(encoding="utf-8", newline="") as fh:
            lines = fh.readlines()
        # Postings rows have no embedded newlines, so slicing lines keeps whole records.
        (dest / "data" / sub / name).write_text("".join(lines[: rows + 1]), encoding="utf-8", newline="")
    return dest


def test_rebuild_only_when_content_changes(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    first = open_store(settings)
    built_at = first.meta["built_at"]
    assert first.meta["rows:salaries"] == "3000"
    first.close()

    # Same content, new mtime: no rebuild (the content hash is compared).
    bls = settings.bls_csv
    st = bls.stat()
    os.utime(bls, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    second = open_store(settings)
    assert second.meta["built_at"] == built_at
    second.close()
    third = open_store(settings)
    assert third.meta["built_at"] == built_at  # and the new mtime was remembered
    assert third.meta["stat_fingerprint"] == second.stat_fingerprint
    third.close()

    # Changed content: rebuilt, new hash.
    with bls.open("a", encoding="utf-8") as fh:
        fh.write(bls.read_text(encoding="utf-8").splitlines()[1] + "\n")
    fourth = open_store(settings)
    assert fourth.meta["built_at"] != built_at
    assert fourth.meta["content_hash"] != first.meta["content_hash"]
    assert fourth.meta["rows:bls"] == "39"
    assert not list((tmp_path / "data").glob("*.tmp-*"))
    fourth.close()


def test_missing_data_file_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "nothing", data_dir=tmp_path / "data")
    with pytest.raises(IndexNotReadyError, match="Data files are missing"):
        open_store(settings)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"this is not a database" * 200)
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:  # "scribbled": the header and meta survive, the data blocks after the first third don't
        cut = len(data) // 3
        path.write_bytes(data[:cut] + os.urandom(len(data) - cut))


@pytest.mark.parametrize("how", ["garbage", "truncated", "scribbled"])
def test_damaged_store_is_rebuilt_from_the_csvs_and_says_so(tmp_path: Path, how: str) -> None:
    settings = Settings(corpus_dir=_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "data")
    open_store(settings).close()
    _damage(settings.store_path, how)

    store = open_store(settings)
    try:
        salaries = pd.read_csv(settings.salaries_csv, keep_default_na=False)
        for table in ("postings", "posting_skills", "bls", "article_figures", "salaries"):  # every block is read
            store.df(f"SELECT * FROM {table}")
        assert store.fetchone("SELECT count(*), sum(salary_in_usd) FROM salaries") == (
            3000, int(salaries["salary_in_usd"].sum()))
        assert len(store.notices) == 1 and "rebuilt it from the CSVs" in store.notices[0]
        assert str(settings.store_path) in store.notices[0]
    finally:
        store.close()


def test_verify_repairs_damage_before_any_question(tmp_path: Path) -> None:
    """`advisor ingest` opens the store with verify=True: damage an ordinary open can't see is found then."""
    settings = Settings(corpus_dir=_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "data")
    first = open_store(settings)
    built_at = first.meta["built_at"]
    first.close()
    _damage(settings.store_path, "scribbled")

    store = open_store(settings, verify=True)
    try:
        assert store.meta["built_at"] != built_at and store.notices
        store.verify()  # whole now: nothing more to repair
        assert len(store.notices) == 1
    finally:
        store.close()
