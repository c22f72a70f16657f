"""Matplotlib figures drawn straight from an answer's `Chart` rows.

The rows are the data tools' own numbers; this module only draws them and
never recomputes a figure, so the chart can't disagree with the cited text.
Rows come from another module and may lack keys, so every key is optional.
Figures are built with `matplotlib.figure.Figure` (not pyplot): no global
state, safe in Gradio's worker threads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from advisor.types import Chart

RANGE_COLOR = "#c7d2fe"
MEDIAN_COLOR = "#3730a3"
POINT_COLOR = "#f59e0b"
POINT_EDGE = "#92400e"
BAR_COLOR = "#6366f1"
MAX_SKILLS = 12


def _num(value: Any) -> float | None:
    """A finite float, or None for missing / non-numeric / NaN values."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _money(x: float, _pos: Any = None) -> str:
    if abs(x) >= 1_000_000:
        return f"${x / 1_000_000:.1f}M"
    if abs(x) >= 1_000:
        return f"${x / 1_000:.0f}k"
    return f"${x:.0f}"


# what one counted row of each salary source is, for "18 responses" next to a figure (never "n=18")
ROW_NOUNS = {"survey": "responses", "postings": "postings"}
TITLE_CHARS = 58  # titles wrap rather than run off a phone-width image


def _row_label(row: dict[str, Any]) -> str:
    """`label (year, 18 responses)`: the sample size and year belong next to every figure."""
    name = str(row.get("label") or row.get("source") or "source")
    extra = []
    if row.get("year"):
        extra.append(str(row["year"]))
    n = _num(row.get("n"))
    if n is not None:
        extra.append(f"{int(n):,} {ROW_NOUNS.get(str(row.get('kind')), 'records')}")
    elif _num(row.get("employment")) is not None:
        extra.append(f"employment {int(_num(row.get('employment')) or 0):,}")
    return f"{name} ({', '.join(extra)})" if extra else name


def salary_rows_plottable(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if any(_num(r.get(k)) is not None for k in ("p25", "median", "p75"))]


def skill_rows_plottable(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if _num(r.get("share")) is not None and (r.get("label") or r.get("skill"))]


def _label_points(ax: Axes, y: int, values: list[float], span: float, color: str, size: float) -> None:
    """Value labels above the points, moved below (or dropped) where neighbours would overlap."""
    last_above: float | None = None
    last_below: float | None = None
    gap = 0.09 * span
    for v in sorted(values):
        if last_above is None or v - last_above >= gap:
            ax.annotate(_money(v), (v, y - 0.3), ha="center", va="bottom", fontsize=size, color=color)
            last_above = v
        elif last_below is None or v - last_below >= gap:
            ax.annotate(_money(v), (v, y + 0.3), ha="center", va="top", fontsize=size, color=color)
            last_below = v


def _draw_salary(ax: Axes, chart: Chart) -> set[str]:
    """p25–p75 as a bar, the median as a tick; single figures (articles) as dots on their label's line.

    Returns what was drawn ("range", "point"), so the legend lists only marks that are on the chart.
    """
    drawn: set[str] = set()
    lines: dict[str, list[dict[str, Any]]] = {}
    for row in salary_rows_plottable(chart.rows):
        lines.setdefault(_row_label(row), []).append(row)
    labels = list(lines)
    every = [v for rows in lines.values() for r in rows for k in ("p25", "median", "p75") if (v := _num(r.get(k)))]
    span = (max(every) - min(every)) or max(every) or 1.0
    for y, label in enumerate(labels):
        points: list[float] = []
        for row in lines[label]:
            p25, med, p75 = _num(row.get("p25")), _num(row.get("median")), _num(row.get("p75"))
            if p25 is not None and p75 is not None:
                ax.barh(y, p75 - p25, left=p25, height=0.42, color=RANGE_COLOR, edgecolor=MEDIAN_COLOR, linewidth=0.8)
                drawn.add("range")
                if med is not None:
                    ax.plot([med, med], [y - 0.24, y + 0.24], color=MEDIAN_COLOR, linewidth=3)
                    ax.annotate(
                        _money(med),
                        (med, y - 0.3),
                        ha="center",
                        va="bottom",
                        fontsize=8.5,
                        color=MEDIAN_COLOR,
                        fontweight="bold",
                    )
            else:
                value = med if med is not None else (p25 if p25 is not None else p75)
                if value is not None:
                    points.append(value)
        if points:
            drawn.add("point")
            ax.plot(
                points,
                [y] * len(points),
                marker="D",
                markersize=6.5,
                linestyle="none",
                color=POINT_COLOR,
                markeredgecolor=POINT_EDGE,
            )
            _label_points(ax, y, points, span, POINT_EDGE, 7.5)
    ax.set_yticks(range(len(labels)), labels=[_wrap(lbl, 34) for lbl in labels], fontsize=8.5)
    ax.set_ylim(len(labels) - 0.45, -0.75)
    lo, hi = min(every), max(every)
    ax.set_xlim(lo - 0.08 * span, hi + 0.08 * span)
    ax.xaxis.set_major_formatter(FuncFormatter(_money))
    ax.set_xlabel("Yearly salary, USD", fontsize=8.5)
    return drawn


def _draw_skills(ax: Axes, chart: Chart) -> None:
    """Top skills by share of postings, largest first, each bar labelled with its share and count."""
    rows = sorted(skill_rows_plottable(chart.rows), key=lambda r: _num(r.get("share")) or 0.0, reverse=True)
    rows = rows[:MAX_SKILLS]
    shares = [_num(r.get("share")) or 0.0 for r in rows]
    scale = 100.0 if max(shares, default=0.0) > 1.0 else 1.0  # tolerate percent or fraction
    values = [s / scale for s in shares]
    names = [str(r.get("label") or r.get("skill")) for r in rows]
    ax.barh(range(len(rows)), values, color=BAR_COLOR, height=0.65)
    for y, (v, r) in enumerate(zip(values, rows, strict=True)):
        count = _num(r.get("count"))
        text = f"{v:.1%}" + (f" ({int(count):,})" if count is not None else "")
        ax.annotate(text, (v, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=names, fontsize=9)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(0, min(1.0, max(values, default=0.1) * 1.25 + 0.02))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ns = {int(n) for r in rows if (n := _num(r.get("n"))) is not None}
    years = {str(r["year"]) for r in rows if r.get("year")}
    basis = "Share of postings"
    if len(ns) == 1:
        basis += f" ({ns.pop():,} postings"
        basis += f", {', '.join(sorted(years))})" if years else ")"
    elif years:
        basis += f" ({', '.join(sorted(years))})"
    ax.set_xlabel(basis, fontsize=9)


def _wrap(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    return text[:cut] + "\n" + _wrap(text[cut:].strip(), width)


def _height(chart: Chart) -> float:
    if chart.kind == "salary_ranges":
        n = len({_row_label(r) for r in salary_rows_plottable(chart.rows)})
    else:
        n = min(MAX_SKILLS, len(skill_rows_plottable(chart.rows)))
    return 1.3 + 0.48 * max(n, 1)


def plottable(chart: Chart) -> bool:
    if chart.kind == "salary_ranges":
        return bool(salary_rows_plottable(chart.rows))
    if chart.kind == "skill_shares":
        return bool(skill_rows_plottable(chart.rows))
    return False


def build_figure(charts: Sequence[Chart]) -> Figure | None:
    """One figure with a panel per chart (salary panels share the x axis so countries compare), or None."""
    charts = [c for c in charts if plottable(c)]
    if not charts:
        return None
    heights = [_height(c) for c in charts]
    fig = Figure(figsize=(6.4, sum(heights) + 0.3), dpi=130, layout=ConstrainedLayoutEngine(w_pad=0.12, h_pad=0.12))
    axes = fig.subplots(len(charts), 1, squeeze=False, height_ratios=heights)[:, 0]
    salary_axes = []
    drawn: set[str] = set()
    for ax, chart in zip(axes, charts, strict=True):
        if chart.kind == "salary_ranges":
            drawn |= _draw_salary(ax, chart)
            salary_axes.append(ax)
        else:
            _draw_skills(ax, chart)
        title = _wrap(chart.title, TITLE_CHARS) + (f"\n{chart.caption}" if chart.caption else "")
        ax.set_title(title, fontsize=10.5, loc="left", fontweight="bold", color="#1f2937")
        ax.grid(axis="x", color="#e5e7eb", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
    if len(salary_axes) > 1:
        lo = min(a.get_xlim()[0] for a in salary_axes)
        hi = max(a.get_xlim()[1] for a in salary_axes)
        for a in salary_axes:
            a.set_xlim(lo, hi)
    handles = []
    if "range" in drawn:
        handles += [
            Patch(facecolor=RANGE_COLOR, edgecolor=MEDIAN_COLOR, label="25th–75th percentile"),
            Line2D([], [], color=MEDIAN_COLOR, linewidth=2.5, label="median"),
        ]
    if "point" in drawn:
        handles.append(
            Line2D([], [], color=POINT_COLOR, marker="D", linestyle="none", markeredgecolor=POINT_EDGE,
                   label="single figure stated by a source")
        )
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8, frameon=False)
    return fig
