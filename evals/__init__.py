"""Offline evaluation of the advisor: the dev set, the metrics, and the scripts that regenerate expectations.

Kept outside `advisor/` so that the product never depends on its own grader, and the grader
never reaches into product internals (only the `advisor.types` dataclasses it scores).
"""
