"""Data tools: `salary.salary_lookup` and `skills.posting_stats`.

Each takes a pydantic query model (usable as a LangChain tool schema) and a
`Store`, and returns a result whose `.evidence()` items carry every figure
verbatim. Import the submodules directly; this package stays import-light.
"""
