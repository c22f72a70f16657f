"""The structured data store: one embedded DuckDB file built from the shipped CSVs.

Why DuckDB: the salary and skills tools run percentile and group-by queries over
~74k survey rows and ~33k postings on every question; an embedded columnar
engine answers those in a few milliseconds without a server, and one file is
easy to ship, cache and rebuild.

Rebuild policy: the file at `Settings().store_path` is rebuilt only when the
*content* of its sources changed (SHA-256 of the three CSVs plus
`article_figures.json`, with `SCHEMA_VERSION`), stored in the `meta` table. A
cheap size+mtime fingerprint is checked first so reuse does not re-hash 12 MB;
if only the mtime changed the content hash is compared and no rebuild happens.
Builds write to a temporary file and `os.replace` it, so a reader never sees a
half-built store.

Decisions recorded here (and in advisor/data/README.md):

* Duplicate survey rows. 39,304 survey rows are exact copies of another row.
  PROVENANCE keeps them because the fields are coarse (year, level, title,
  salary, country...), so two people can submit identical rows. The store keeps
  every row and marks copies with `dup_rank > 1` (`dup_rank = 1` is the first
  occurrence in file order). Tools include duplicates by default, say how many
  of the counted rows are duplicates, and accept `dedupe=True` to use
  `dup_rank = 1` only.
* Postings country. `job_country` comes from the publisher's search location;
  all 2,680 rows with "Sudan" come from a crawl artifact (search_location
  "Sudan") and their `job_location`s are US cities, US states, "United States",
  "Anywhere" or empty. `derive_posting_country` applies, in order:
  1. job_country == "Sudan": the country is read from job_location (a "City, ST"
     with a US state code, a US state name or "United States" → US); if the
     location names no country ("Anywhere", empty) the country is unknown
     (NULL). Sudan is never assigned.
  2. otherwise, if job_location names a different country than job_country
     (e.g. "Singapore" under Malaysia), job_location wins;
  3. otherwise job_country (name variants such as "UK"/"United Kingdom" agree).
  The rule applied is stored per row in `country_rule`.
* Posted pay. `salary_rate` is "year" or "hour"; hourly rates are normalised to
  yearly as hourly × 2080 hours in `salary_yearly`, and `salary_basis` labels
  each row ("yearly" or "hourly x 2080").
* Placeholder pay. A job board that fills in one amount for jobs all over the
  world is not telling the job's pay: 3,931 postings carry an amount that the
  same publisher (`job_via`) gave postings in 8 or more countries (147,500 in
  61 countries, 89,100 in 30). `salary_placeholder` marks them; the figures
  keep them (so they can be re-computed from the CSV) and say how many there
  are, with the median without them, where they are a large share.
* Skills. `job_skills` is a Python-list literal; it is parsed with
  `ast.literal_eval`, repeated skills in one posting are counted once (3,185
  rows repeat a skill), and rows with no skills get an empty list.
* BLS "#" (top-coded, at least $239,200 a year) becomes NULL in the numeric
  column and the column name is listed in `topcoded`.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

if TYPE_CHECKING:  # pandas costs ~0.5 s to import: only building the store and `df()` need it
    import pandas as pd

from advisor.config import SURVEY_SNAPSHOT, Settings
from advisor.data.normalize import COUNTRY_NAMES, US_STATES, country_code_for_name
from advisor.storage import DataDirNotWritableError, not_writable_message, writable
from advisor.types import IndexNotReadyError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Bump when the table layout or a derivation rule changes: forces a rebuild.
SCHEMA_VERSION = "4"

ARTICLE_FIGURES_PATH = Path(__file__).resolve().parent / "article_figures.json"

HOURS_PER_YEAR = 2080
EMPLOYER_MIN_POSTINGS = 10  # an employer with fewer postings gives no pay figure (`company_pay`), nor is looked for
# The same posted amount from one publisher in postings of this many countries is a placeholder, not pay: pay
# differs by country and currency. The real repeats stay within a few countries (a US board's round $90,000 in
# the US, Canada, Puerto Rico and Guam); the filled-in amounts reach 8 to 61 countries.
PLACEHOLDER_MIN_COUNTRIES = 8
BLS_TOPCODE_ANNUAL = 239_200

SALARY_COLUMNS = (
    "work_year",
    "experience_level",
    "employment_type",
    "job_title",
    "salary",
    "salary_currency",
    "salary_in_usd",
    "employee_residence",
    "remote_ratio",
    "company_location",
    "company_size",
)
BLS_WAGE_COLUMNS = ("h_mean", "a_mean", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90")
TABLES = ("salaries", "postings", "posting_skills", "bls", "article_figures", "meta")
# What DuckDB raises when the file itself is damaged (a block that fails its checksum is a bare duckdb.Error; a
# truncated file an IOException), as opposed to a query's own mistakes (binder, parser, conversion errors...).
_CORRUPTION_ERRORS = (duckdb.IOException, duckdb.SerializationException, duckdb.InternalException,
                      duckdb.FatalException)

# US territories have their own ISO codes (the survey uses PR separately).
US_TERRITORY_CODES = {"PR": "PR", "VI": "VI", "GU": "GU", "AS": "AS"}
_US_STATE_NAMES = {n.lower() for n in US_STATES.values()} | {"washington dc", "washington d c"}
_OTHERS_SUFFIX = re.compile(r"\s*\(\+\d+ others?\)\s*$")


def _location_country(location: str) -> str | None:
    """ISO-2 country named by a postings `job_location`, or None if it names none."""
    loc = _OTHERS_SUFFIX.sub("", location or "").strip()
    if not loc or loc.lower() == "anywhere":
        return None
    parts = [p.strip() for p in loc.split(",") if p.strip()]
    if not parts:
        return None
    last = parts[-1]
    if " - " in last:  # "Dubai - United Arab Emirates"
        last = last.rsplit(" - ", 1)[-1].strip()
    if last == "United States" or last.lower() in _US_STATE_NAMES:
        return "US"
    if len(parts) >= 2 and last in US_STATES:
        return "US"
    if len(parts) >= 2 and last in US_TERRITORY_CODES:
        return US_TERRITORY_CODES[last]
    return country_code_for_name(last)


def derive_posting_country(job_country: str, job_location: str) -> tuple[str | None, str]:
    """(ISO-2 or None, rule) for one posting; see the module docstring for the rule order."""
    loc_iso = _location_country(job_location)
    if job_country == "Sudan":
        if loc_iso:
            return loc_iso, "sudan_artifact:job_location"
        return None, "sudan_artifact:unknown"
    jc_iso = country_code_for_name(job_country)
    if loc_iso and jc_iso and loc_iso != jc_iso:
        return loc_iso, "job_location_disagrees"
    if jc_iso:
        return jc_iso, "job_country"
    if loc_iso:
        return loc_iso, "job_location"
    return None, "unknown"


def parse_skills(value: str) -> list[str]:
    """ "['sql', 'python', 'sql']" → ['sql', 'python'] (order kept, repeats dropped)."""
    if not value or not value.strip():
        return []
    try:
        items = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        items = re.findall(r"'([^']*)'", value)
    out = [str(x).strip().lower() for x in items if str(x).strip()]
    return list(dict.fromkeys(out))


def source_files(settings: Settings) -> dict[str, Path]:
    return {
        "salaries": settings.salaries_csv,
        "postings": settings.postings_csv,
        "bls": settings.bls_csv,
        "article_figures": ARTICLE_FIGURES_PATH,
    }


def _check_sources(files: dict[str, Path]) -> None:
    missing = [f"{k}: {p}" for k, p in files.items() if not p.is_file()]
    if missing:
        raise IndexNotReadyError(
            "Data files are missing, so the data store cannot be built: "
            + "; ".join(missing)
            + ". Check ADVISOR_CORPUS_DIR (it must contain data/salaries, data/postings and data/bls)."
        )


def stat_fingerprint(files: dict[str, Path]) -> str:
    """Cheap change detector: sizes and mtimes (a mismatch only triggers a content-hash check)."""
    parts = [SCHEMA_VERSION]
    for key in sorted(files):
        st = files[key].stat()
        parts.append(f"{key}:{files[key].resolve()}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def content_hash(files: dict[str, Path]) -> str:
    """SHA-256 over the schema version and every source file's name and bytes."""
    h = hashlib.sha256(f"schema={SCHEMA_VERSION}".encode())
    for key in sorted(files):
        h.update(f"|{key}:{files[key].name}|".encode())
        with files[key].open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def load_article_figures(path: Path = ARTICLE_FIGURES_PATH) -> list[dict[str, Any]]:
    """The hand-checked table of salary figures stated in corpus/articles (see README)."""
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return list(data["figures"])


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def _read_salaries(path: Path) -> pd.DataFrame:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)  # keep_default_na: "NA" is Namibia
    for col in ("work_year", "salary", "salary_in_usd", "remote_ratio"):
        df[col] = df[col].astype("int64")
    df.insert(0, "row_id", range(len(df)))
    return df


def _read_postings(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.insert(0, "row_id", range(len(df)))
    derived = [
        derive_posting_country(c, loc) for c, loc in zip(df["job_country"], df["job_location"], strict=True)
    ]
    df["country_iso2"] = [d[0] for d in derived]
    df["country"] = [COUNTRY_NAMES.get(d[0]) if d[0] else None for d in derived]
    df["country_rule"] = [d[1] for d in derived]
    skill_rows: list[tuple[int, int, str]] = []
    for rid, raw in zip(df["row_id"], df["job_skills"], strict=True):
        for pos, skill in enumerate(parse_skills(raw)):
            skill_rows.append((int(rid), pos, skill))
    skills = pd.DataFrame(skill_rows, columns=["row_id", "pos", "skill"])
    return df, skills


def _read_bls(path: Path) -> pd.DataFrame:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    topcoded: list[str] = []
    for _, row in df.iterrows():
        topcoded.append(",".join(c for c in BLS_WAGE_COLUMNS if row[c].strip() == "#"))
    df["topcoded"] = topcoded
    return df


def _mark_placeholder_pay(con: duckdb.DuckDBPyConnection) -> None:
    """`salary_placeholder`: the posting's amount is one its publisher gave jobs in many countries."""
    con.execute("ALTER TABLE postings ADD COLUMN salary_placeholder BOOLEAN DEFAULT false")
    con.execute(f"""
        UPDATE postings SET salary_placeholder = true
        FROM (SELECT job_via, salary_yearly FROM postings
              WHERE salary_yearly IS NOT NULL AND country_iso2 IS NOT NULL
              GROUP BY job_via, salary_yearly
              HAVING count(DISTINCT country_iso2) >= {PLACEHOLDER_MIN_COUNTRIES}) AS filled
        WHERE postings.job_via = filled.job_via AND postings.salary_yearly = filled.salary_yearly
    """)


def _build(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, int]:
    sal = _read_salaries(settings.salaries_csv)
    con.register("sal_df", sal)
    cols = ", ".join(SALARY_COLUMNS)
    con.execute(f"""
        CREATE TABLE salaries AS
        SELECT row_id, CAST(work_year AS INTEGER) AS work_year, experience_level, employment_type, job_title,
               CAST(salary AS BIGINT) AS salary, salary_currency,
               CAST(salary_in_usd AS BIGINT) AS salary_in_usd,
               employee_residence, CAST(remote_ratio AS INTEGER) AS remote_ratio, company_location,
               company_size,
               CAST(row_number() OVER (PARTITION BY {cols} ORDER BY row_id) AS INTEGER) AS dup_rank,
               CAST(count(*) OVER (PARTITION BY {cols}) AS INTEGER) AS dup_group_size
        FROM sal_df ORDER BY row_id
    """)
    con.unregister("sal_df")

    post, skills = _read_postings(settings.postings_csv)
    con.register("post_df", post)
    con.register("skills_df", skills)
    con.execute("""
        CREATE TABLE posting_skills AS
        SELECT CAST(row_id AS INTEGER) AS row_id, CAST(pos AS INTEGER) AS pos, skill FROM skills_df
        ORDER BY row_id, pos
    """)
    con.execute(f"""
        CREATE TABLE postings AS
        WITH sk AS (SELECT row_id, list(skill ORDER BY pos) AS skills FROM posting_skills GROUP BY row_id)
        SELECT p.row_id::INTEGER AS row_id, job_title_short, job_title, job_location, job_via,
               job_schedule_type,
               (job_work_from_home = 'True') AS remote, search_location,
               CAST(job_posted_date AS TIMESTAMP) AS posted_at,
               CAST(year(CAST(job_posted_date AS TIMESTAMP)) AS INTEGER) AS posted_year,
               (job_no_degree_mention = 'True') AS job_no_degree_mention,
               (job_health_insurance = 'True') AS job_health_insurance,
               job_country, country_iso2, country, country_rule, salary_rate,
               CAST(NULLIF(salary_year_avg, '') AS DOUBLE) AS salary_year_avg,
               CAST(NULLIF(salary_hour_avg, '') AS DOUBLE) AS salary_hour_avg,
               CASE WHEN salary_rate = 'hour'
                    THEN CAST(NULLIF(salary_hour_avg, '') AS DOUBLE) * {HOURS_PER_YEAR}
                    ELSE CAST(NULLIF(salary_year_avg, '') AS DOUBLE) END AS salary_yearly,
               CASE WHEN salary_rate = 'hour' THEN 'hourly x {HOURS_PER_YEAR}' ELSE 'yearly' END
                   AS salary_basis,
               company_name, job_skills,
               coalesce(sk.skills, []::VARCHAR[]) AS skills,
               (sk.skills IS NOT NULL) AS has_skills
        FROM post_df p LEFT JOIN sk ON sk.row_id = p.row_id
        ORDER BY p.row_id
    """)
    con.unregister("post_df")
    con.unregister("skills_df")
    _mark_placeholder_pay(con)

    bls = _read_bls(settings.bls_csv)
    con.register("bls_df", bls)
    wage_sql = ", ".join(f"TRY_CAST(NULLIF({c}, '#') AS DOUBLE) AS {c}" for c in BLS_WAGE_COLUMNS)
    con.execute(f"""
        CREATE TABLE bls AS
        SELECT reference_period,
               CAST(regexp_extract(reference_period, '(\\d{{4}})', 1) AS INTEGER) AS reference_year,
               occ_code, occ_title, o_group, TRY_CAST(tot_emp AS BIGINT) AS tot_emp,
               TRY_CAST(emp_prse AS DOUBLE) AS emp_prse, TRY_CAST(mean_prse AS DOUBLE) AS mean_prse,
               {wage_sql}, topcoded, area_title, naics_title, own_code, source
        FROM bls_df
    """)
    con.unregister("bls_df")

    con.execute("""
        CREATE TABLE article_figures (id VARCHAR PRIMARY KEY, article_file VARCHAR, role_key VARCHAR,
                                      country VARCHAR, year INTEGER, figure_usd BIGINT, record VARCHAR)
    """)
    con.executemany(
        "INSERT INTO article_figures VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            [
                f["id"],
                f["article_file"],
                f["role_key"],
                f["country"],
                f["year"],
                f["figure_usd"],
                json.dumps(f, ensure_ascii=False),
            ]
            for f in load_article_figures()
        ],
    )

    counts: dict[str, int] = {}
    for table in ("salaries", "postings", "posting_skills", "bls", "article_figures"):
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def build_store(settings: Settings, *, files: dict[str, Path] | None = None) -> dict[str, str]:
    """Build the DuckDB file from the sources (always) and return its meta table."""
    files = files or source_files(settings)
    _check_sources(files)
    path = settings.store_path
    if not writable(path.parent):  # say so now, not with a duckdb IO error halfway through
        raise DataDirNotWritableError(not_writable_message(path.parent, f"the data store {path.name} can't be built"))
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    chash = content_hash(files)
    sfp = stat_fingerprint(files)
    con = duckdb.connect(str(tmp))
    try:
        counts = _build(con, settings)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "content_hash": chash,
            "stat_fingerprint": sfp,
            "built_at": datetime.now(UTC).isoformat(),
            "duckdb_version": duckdb.__version__,
            **{f"file:{k}": p.name for k, p in files.items()},
            **{f"rows:{k}": str(v) for k, v in counts.items()},
        }
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        for p in (tmp, tmp.with_name(tmp.name + ".wal")):
            p.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return meta


def is_corruption(exc: duckdb.Error) -> bool:
    """Whether a DuckDB error means the file is damaged (so rebuilding it helps)."""
    return type(exc) is duckdb.Error or isinstance(exc, _CORRUPTION_ERRORS)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _read_meta(path: Path) -> tuple[dict[str, str] | None, str]:
    """(the meta table, "") or (None, why it could not be read)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return None, _first_line(exc)
    try:
        return {k: v for k, v in con.execute("SELECT key, value FROM meta").fetchall()}, ""
    except duckdb.Error as exc:
        return None, _first_line(exc)
    finally:
        con.close()


def _update_stat_fingerprint(path: Path, fingerprint: str) -> None:
    """Best effort: remember the new mtimes so the next open skips hashing. Fails silently if locked."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error:
        return
    try:
        con.execute("UPDATE meta SET value = ? WHERE key = 'stat_fingerprint'", [fingerprint])
    finally:
        con.close()


# ---------------------------------------------------------------------------
# Store
# ---------------------------------------------------------------------------


def _connect_read_only(path: Path, attempts: int = 5) -> duckdb.DuckDBPyConnection:
    """Read-only connect, retried briefly: another process may hold the write lock for a moment
    (`_update_stat_fingerprint`)."""
    for i in range(attempts):
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException:
            if i == attempts - 1:
                raise
            time.sleep(0.05 * (i + 1))
    raise AssertionError("unreachable")  # pragma: no cover


class Store:
    """A read-only handle on the built DuckDB file.

    Queries go through `fetchall`/`fetchone`/`df`, each on its own cursor, so one
    Store can be shared across threads (DuckDB cursors are independent
    connections to the same database).

    The file is derived from the CSVs, so a damaged one is repaired, not
    reported: a query that hits a damaged block rebuilds the file and runs
    again, once. Each repair is logged and kept in `notices`.
    """

    def __init__(self, path: Path, settings: Settings, meta: dict[str, str], fingerprint: str,
                 notices: list[str] | None = None) -> None:
        self.path = path
        self.settings = settings
        self.meta = meta
        self.stat_fingerprint = fingerprint
        self.notices: list[str] = list(notices or [])
        self._con = _connect_read_only(path)
        self._lock = threading.Lock()
        self._generation = 0  # bumped by each repair, so threads that failed together rebuild once
        self._cache: dict[str, Any] = {}
        self.salaries_file = settings.salaries_csv.name
        self.postings_file = settings.postings_csv.name
        self.bls_file = settings.bls_csv.name

    # -- raw access -------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._con.cursor()

    def _attempt(self, run: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        cur = self.cursor()
        try:
            return run(cur)
        finally:
            cur.close()

    def _query(self, run: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`run` on a fresh cursor; if the file turns out damaged, rebuild it and run again (once)."""
        generation = self._generation
        try:
            return self._attempt(run)
        except duckdb.Error as exc:
            if not is_corruption(exc):
                raise
            self._repair(_first_line(exc), generation)
        try:
            return self._attempt(run)
        except duckdb.Error as exc:
            if not is_corruption(exc):
                raise
            raise IndexNotReadyError(f"The data store {self.path} is unreadable even after rebuilding it "
                                     f"({_first_line(exc)}). Check the disk it is on.") from exc

    def _repair(self, why: str, generation: int) -> None:
        """Rebuild the damaged file from the CSVs and reopen it (unless another thread just did)."""
        with self._lock:
            if generation != self._generation:
                return
            self._generation += 1
            self._con.close()
            try:
                self.meta = _rebuild_unreadable(self.settings, why)
            finally:
                self._reopen()
            self._cache.clear()
        self._notice(f"The data store {self.path} could not be read ({why}); rebuilt it from the CSVs.")

    def _reopen(self) -> None:
        try:
            self._con = _connect_read_only(self.path)
        except duckdb.Error:  # the rebuild failed and the old file doesn't open: that error is the one raised
            log.debug("data store %s does not open", self.path)

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        log.warning(text)

    def verify(self) -> None:
        """Read every row of every table, so damage is found (and repaired) now, not halfway through a question.

        DuckDB checks each block's checksum as it reads it; hashing whole rows makes it read every column.
        """
        def check(cur: duckdb.DuckDBPyConnection) -> None:
            found = {r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            if not set(TABLES) <= found:
                raise duckdb.Error(f"tables missing: {', '.join(sorted(set(TABLES) - found))}")
            for table in TABLES:
                cur.execute(f'SELECT bit_xor(hash("{table}")) FROM "{table}"').fetchall()

        self._query(check)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        return self._query(lambda cur: cur.execute(sql, list(params or [])).fetchall())

    def fetchone(self, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...] | None:
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self._query(lambda cur: cur.execute(sql, list(params or [])).df())

    # -- cached vocabularies ---------------------------------------------
    def _cached(self, key: str, sql: str) -> tuple[Any, ...]:
        if key not in self._cache:
            self._cache[key] = tuple(r[0] for r in self.fetchall(sql))
        return self._cache[key]  # type: ignore[no-any-return]

    def salary_titles(self) -> tuple[str, ...]:
        return self._cached("salary_titles", "SELECT DISTINCT job_title FROM salaries ORDER BY 1")

    def postings_short_titles(self) -> tuple[str, ...]:
        return self._cached("short_titles", "SELECT DISTINCT job_title_short FROM postings ORDER BY 1")

    def employer_names(self, min_n: int = EMPLOYER_MIN_POSTINGS) -> tuple[str, ...]:
        """Employers with at least `min_n` postings: the names a question is read for (fewer give no figure)."""
        return self._cached(f"employers_{int(min_n)}", "SELECT company_name FROM postings WHERE company_name <> '' "
                            f"GROUP BY company_name HAVING count(*) >= {int(min_n)} ORDER BY 1")

    def skill_vocabulary(self) -> tuple[str, ...]:
        return self._cached(
            "skills", "SELECT skill FROM posting_skills GROUP BY skill ORDER BY count(*) DESC, skill"
        )

    def survey_years(self) -> tuple[int, ...]:
        return self._cached("survey_years", "SELECT DISTINCT work_year FROM salaries ORDER BY 1")

    def survey_latest_full_year(self) -> int | None:
        """The newest survey year with a whole year of responses (the snapshot's own year is partial)."""
        full = [y for y in self.survey_years() if y < SURVEY_SNAPSHOT.year]
        return full[-1] if full else None

    def posting_locations(self) -> tuple[str, ...]:
        """Every `job_location` the postings write ("Austin, TX", "Texas", "Bengaluru, Karnataka, India")."""
        return self._cached("locations", "SELECT DISTINCT job_location FROM postings WHERE job_location <> '' "
                            "ORDER BY 1")

    def postings_years(self) -> tuple[int, ...]:
        return self._cached("postings_years", "SELECT DISTINCT posted_year FROM postings ORDER BY 1")

    def bls_years(self) -> tuple[int, ...]:
        return self._cached("bls_years", "SELECT DISTINCT reference_year FROM bls ORDER BY 1")

    def survey_currencies(self) -> tuple[str, ...]:
        return self._cached("currencies", "SELECT DISTINCT salary_currency FROM salaries ORDER BY 1")

    def article_figures(self) -> list[dict[str, Any]]:
        if "figures" not in self._cache:
            rows = self.fetchall("SELECT record FROM article_figures ORDER BY id")
            self._cache["figures"] = [json.loads(r[0]) for r in rows]
        return [dict(f) for f in self._cache["figures"]]

    def close(self) -> None:
        """Close the connection and forget this Store in the per-process cache."""
        with _STORES_LOCK:
            if _STORES.get(self.path) is self:
                del _STORES[self.path]
        self._con.close()

    def __repr__(self) -> str:
        return f"Store({self.path}, hash={self.meta.get('content_hash', '')[:12]})"


_STORES: dict[Path, Store] = {}
_STORES_LOCK = threading.Lock()


def _rebuild_unreadable(settings: Settings, why: str) -> dict[str, str]:
    """Rebuild a store file that can't be read; if the directory can't be written, say that instead."""
    try:
        return build_store(settings)
    except DataDirNotWritableError as exc:
        raise DataDirNotWritableError(
            f"The data store {settings.store_path} could not be read ({why}) and can't be rebuilt. {exc}"
        ) from exc


def _current_meta(settings: Settings, files: dict[str, Path], fingerprint: str, rebuild: bool,
                  notices: list[str]) -> dict[str, str]:
    """The meta of an up-to-date store file at `settings.store_path`, building or repairing it as needed."""
    path = settings.store_path
    if rebuild or not path.exists():
        return build_store(settings, files=files)
    meta, why = _read_meta(path)
    if meta is None:  # not a DuckDB file any more, or one without its meta table: damaged
        meta = _rebuild_unreadable(settings, why)
        notices.append(f"The data store {path} could not be read ({why}); rebuilt it from the CSVs.")
        log.warning(notices[-1])
    elif meta.get("schema_version") != SCHEMA_VERSION:
        meta = build_store(settings, files=files)
    elif meta.get("stat_fingerprint") != fingerprint:
        if meta.get("content_hash") == content_hash(files):
            _update_stat_fingerprint(path, fingerprint)
            meta["stat_fingerprint"] = fingerprint
        else:
            meta = build_store(settings, files=files)
    return meta


def open_store(settings: Settings | None = None, *, rebuild: bool = False, verify: bool = False) -> Store:
    """Open the store, building it first if it is missing, damaged or its sources changed.

    Cheap on reuse: within a process the open Store is cached per path and only
    the source files' size+mtime are checked (a few `stat` calls). `verify`
    reads every row once (a fraction of a second), so `advisor ingest` finds
    and repairs a damaged file before any question needs it.
    """
    settings = settings or Settings()
    files = source_files(settings)
    _check_sources(files)
    path = settings.store_path
    fingerprint = stat_fingerprint(files)
    with _STORES_LOCK:
        cached = _STORES.get(path)
        if cached is not None and not rebuild and cached.stat_fingerprint == fingerprint and path.exists():
            store = cached
        else:
            if cached is not None:
                del _STORES[path]
                cached._con.close()
            notices: list[str] = []
            meta = _current_meta(settings, files, fingerprint, rebuild, notices)
            store = Store(path, settings, meta, fingerprint, notices)
            _STORES[path] = store
    if verify:
        store.verify()
    return store


def close_all_stores() -> None:
    """Close every cached Store (tests and long-running servers that rebuild)."""
    with _STORES_LOCK:
        stores = list(_STORES.values())
        _STORES.clear()
    for store in stores:
        store._con.close()


__all__ = [
    "BLS_TOPCODE_ANNUAL",
    "HOURS_PER_YEAR",
    "PLACEHOLDER_MIN_COUNTRIES",
    "SCHEMA_VERSION",
    "Store",
    "build_store",
    "close_all_stores",
    "content_hash",
    "derive_posting_country",
    "load_article_figures",
    "open_store",
    "parse_skills",
    "source_files",
]
