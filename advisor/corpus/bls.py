"""BLS OEWS national rows → one citable document per occupation and year."""

from __future__ import annotations

import csv
from pathlib import Path

from advisor.corpus.docs import Doc

_CAVEAT = "wage and salary workers only; excludes the self-employed, bonuses and stock"


def _money(value: str) -> str:
    if value.strip() == "#":
        return "at least $239,200 (top-coded)"
    try:
        return f"${float(value):,.0f}"
    except ValueError:
        return "not published"


def load_bls(csv_path: Path) -> list[Doc]:
    docs: list[Doc] = []
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            period = row["reference_period"]
            year = int(period.split()[-1])
            emp = f"{int(float(row['tot_emp'])):,}" if row["tot_emp"] not in ("", "*", "**") else "not published"
            text = (
                f"BLS OEWS {period}, United States, {row['occ_title']}: "  # the SOC code is in the locator
                f"median annual wage {_money(row['a_median'])}; 25th percentile {_money(row['a_pct25'])}; "
                f"75th percentile {_money(row['a_pct75'])}; 10th percentile {_money(row['a_pct10'])}; "
                f"90th percentile {_money(row['a_pct90'])}; mean {_money(row['a_mean'])}; "
                f"employment {emp} ({_CAVEAT})."
            )
            docs.append(
                Doc(
                    id=f"bls:{year}:{row['occ_code']}",
                    text=text,
                    kind="bls",
                    source=csv_path.name,
                    title=f"BLS OEWS national estimates, {period} — {row['occ_title']}",
                    locator=f"{period}, SOC {row['occ_code']} (row {i + 2})",
                    metadata={"year": year, "role": row["occ_title"], "country": "United States",
                              "occ_code": row["occ_code"]},
                )
            )
    return docs
