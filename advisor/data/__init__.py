"""Structured data: the DuckDB store built from the shipped CSVs, and free-text normalisation.

See advisor/data/README.md for the decisions (duplicates, the postings'
"Sudan" artifact, hourly pay, percentiles) and `store.py` for the schema.
"""

from advisor.data.normalize import (
    ContradictionError,
    CountryMatch,
    NormalizationError,
    ParsedQuery,
    RoleMapping,
    UnknownCountryError,
    UnknownRoleError,
    parse_query,
    resolve_country,
    resolve_role,
)
from advisor.data.store import Store, build_store, load_article_figures, open_store

__all__ = [
    "ContradictionError",
    "CountryMatch",
    "NormalizationError",
    "ParsedQuery",
    "RoleMapping",
    "Store",
    "UnknownCountryError",
    "UnknownRoleError",
    "build_store",
    "load_article_figures",
    "open_store",
    "parse_query",
    "resolve_country",
    "resolve_role",
]
