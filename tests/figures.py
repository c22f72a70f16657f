"""Figures tests compare answers with, computed from the CSVs with pandas alone."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from advisor.config import DEFAULT_CORPUS


def survey_median(**where: str) -> str:
    """The survey median a question with no year gets, from pandas alone, as the answer writes it ("$189,000"):
    the rows matching `where` (column=value), of the latest full year (2024) where that year has 10 of them."""
    import pandas as pd

    df = pd.read_csv(DEFAULT_CORPUS / "data" / "salaries" / "salaries_aijobs_snapshot_2025-01-19.csv")
    for column, value in where.items():
        df = df[df[column] == value]
    if (df.work_year == 2024).sum() >= 10:
        df = df[df.work_year == 2024]
    median = Decimal(str(df.salary_in_usd.median())).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # as answers round
    return f"${int(median):,}"
