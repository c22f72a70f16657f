"""How many people work in an occupation, and how that changed: BLS OEWS employment counts.

"Is the number of data scientist jobs growing, any official figures?" and "how many people work as software
developers?" ask for a headcount, which only the BLS tables hold (the postings are one year's ads, the survey
a sample of respondents). Each of the role's BLS occupations gives one sentence with its employment in every
May the tables cover, and the change between the first and the last.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import NormalizationError
from advisor.data.store import Store
from advisor.tools.salary import BLS_NAME, evidence_id, fmt_n, resolve_filters, sql_list
from advisor.types import Evidence


class EmploymentQuery(BaseModel):
    """Arguments of employment_lookup."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(description="Free-text role, e.g. 'data scientist', 'software developer'.")


class EmploymentResult(BaseModel):
    ok: bool
    message: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def employment_lookup(query: EmploymentQuery, store: Store) -> EmploymentResult:
    """One sentence per BLS occupation of the role: its US employment each May, and the change."""
    try:
        role = resolve_filters(store, query.role).role
    except NormalizationError as exc:
        return EmploymentResult(ok=False, message=exc.message)
    if not role.bls_codes:
        return EmploymentResult(ok=False, message=f"BLS has no occupation for {role.label}s.")
    if role.bls_note:  # a stand-in serves for pay, said as one; its headcount counts other people
        return EmploymentResult(ok=False, message=f"BLS counts no {role.label}s of their own, so no source says "
                                                  "how many people work as one.")
    codes = sql_list(list(role.bls_codes))
    rows = store.fetchall(f"SELECT occ_code, occ_title, reference_year, tot_emp FROM bls WHERE occ_code IN {codes} "
                          "AND tot_emp IS NOT NULL ORDER BY occ_code, reference_year")
    out = EmploymentResult(ok=bool(rows))
    for code in role.bls_codes:
        years = [(int(y), int(n), title) for c, title, y, n in rows if c == code]
        if years:
            out.evidence.append(_sentence(store, code, years))
    if not out.evidence:
        out.message = f"No BLS employment counts for {role.label}s."
    return out


def _sentence(store: Store, code: str, years: list[tuple[int, int, str]]) -> Evidence:
    """'BLS OEWS counts 233,440 Data Scientists employed in the US in May 2024, up from 192,710 in May 2023
    (+40,730, 21.1%).'"""
    title = years[-1][2]
    (y0, n0, _), (y1, n1, _) = years[0], years[-1]
    text = f"The {BLS_NAME} count {fmt_n(n1)} people employed as {title} in the US in May {y1}"
    if y0 != y1 and n0:
        change = "up" if n1 >= n0 else "down"
        text += (f", {change} from {fmt_n(n0)} in May {y0} ({'+' if n1 >= n0 else '-'}{fmt_n(abs(n1 - n0))}, "
                 f"{abs(n1 - n0) / n0:.1%})")
    flt = f"occ_code='{code}', tot_emp, May {y0}" + (f" and May {y1}" if y1 != y0 else "")
    return Evidence(id=evidence_id(store.bls_file, flt), text=text + " (wage and salary workers only).",
                    source=store.bls_file, title=f"{BLS_NAME} — {title}: employment", kind="bls", locator=flt,
                    metadata={"subject": title, "employment": n1, "year": str(y1), "occ_code": code})
