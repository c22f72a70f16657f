"""Figures tests compare answers with, computed from the CSVs with pandas alone."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from advisor.config import DEFAULT_CORPUS


def survey_median(**where: str) -> str:
    """The survey median of the rows matching `where` (column=value), every year, from pandas alone, as the
    answer writes it ("$189,000")."""
    import pandas as pd

    df = pd.read_csv(DEFAULT_CORPUS / "data" / "salaries" / "salaries_aijobs_snapshot_2025-01-19.csv")
    for column, value in where.items():
        df = df[df[column] == value]
    median = Decimal(str(df.salary_in_usd.median())).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # as answers round
    return f"${int(median):,}"
