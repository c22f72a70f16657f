"""Free text → dataset vocabulary: roles, experience levels, countries, years, remote.

Why this module exists: the three data files name the same things differently.
The aijobs.net survey has 290 free-form `job_title`s and ISO-2 country codes; the
2023 postings have a classifier's `job_title_short` (no "AI Engineer" class),
raw `job_title`s and full country names; BLS OEWS has SOC occupation codes.
A question such as "senior MLE in Germany" has to become an explicit filter on
each file, and the mapping actually used is returned with every result so an
answer can say exactly what was measured.

Everything here is pure Python (no store access) so it can be tested and reused
by the CLI and the agent without opening the database.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

from advisor.text import without_accents
from advisor.types import AdvisorError

ExperienceLevel = Literal["EN", "MI", "SE", "EX"]

EXPERIENCE_LABELS: dict[str, str] = {
    "EN": "entry-level / junior",
    "MI": "mid-level",
    "SE": "senior",
    "EX": "executive / lead / director",
}

# Years of experience that are compatible with each level. Used only to detect
# contradictions ("junior with 10 years"), never to filter rows.
EXPERIENCE_YEARS_COMPATIBLE: dict[str, tuple[int, int]] = {
    "EN": (0, 3),
    "MI": (1, 9),
    "SE": (3, 60),
    "EX": (5, 60),
}


class NormalizationError(AdvisorError):
    """A filter value could not be mapped; `suggestions` holds close matches."""

    def __init__(self, message: str, suggestions: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = list(suggestions)


class UnknownRoleError(NormalizationError):
    """The role text matches no known role or dataset title."""


class UnknownCountryError(NormalizationError):
    """The country text matches no known country name or code."""


class ContradictionError(NormalizationError):
    """Two filters exclude each other (e.g. "junior" and "10 years")."""


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleSpec:
    """How one role is found in each dataset.

    `postings_short` lists the *base* `job_title_short` classes; "Senior ..."
    variants are added or excluded by experience level at query time.
    `postings_title_regex` is used (case-insensitive, on raw `job_title`) when
    the classifier has no class for the role.
    """

    key: str
    label: str
    aliases: tuple[str, ...]
    salary_titles: tuple[str, ...]
    postings_short: tuple[str, ...] = ()
    postings_title_regex: str | None = None
    bls_codes: tuple[str, ...] = ()
    bls_note: str = ""
    postings_note: str = ""


ROLE_SPECS: tuple[RoleSpec, ...] = (
    RoleSpec(
        "machine_learning_engineer",
        "Machine Learning Engineer",
        (
            "machine learning engineer",
            "machine learning eng",
            "ml engineer",
            "ml eng",
            "mle",
            "ml engineering",
            "machine learning engineering",
        ),
        ("Machine Learning Engineer",),
        postings_short=("Machine Learning Engineer",),
        bls_codes=("15-1221", "15-2051"),
        bls_note="BLS has no machine-learning-engineer occupation; 15-1221 (Computer and Information "
        "Research Scientists) and 15-2051 (Data Scientists) are the nearest.",
    ),
    RoleSpec(
        "ai_engineer",
        "AI Engineer",
        (
            "ai engineer",
            "a i engineer",
            "artificial intelligence engineer",
            "genai engineer",
            "gen ai engineer",
            "generative ai engineer",
            "llm engineer",
            "ai eng",
        ),
        ("AI Engineer",),
        postings_title_regex=r"\b(ai|artificial intelligence)\s+engineer",
        bls_codes=("15-1221", "15-1252"),
        bls_note="BLS has no AI-engineer occupation; 15-1221 (Computer and Information Research "
        "Scientists) and 15-1252 (Software Developers) are the nearest.",
        postings_note="The postings' title classifier has no AI-engineer class; raw job_title matching "
        "'AI engineer' / 'artificial intelligence engineer' is used instead.",
    ),
    RoleSpec(
        "prompt_engineer",
        "Prompt Engineer",
        ("prompt engineer", "prompt engineering", "prompt designer"),
        ("Prompt Engineer",),
        postings_title_regex=r"\bprompt\s+engineer",
        bls_codes=("15-1299",),
        bls_note="BLS has no prompt-engineer occupation; 15-1299 (Computer Occupations, All Other) is "
        "the nearest catch-all.",
        postings_note="No postings class; raw job_title matching 'prompt engineer' (2023 postings have "
        "almost none).",
    ),
    RoleSpec(
        "data_scientist",
        "Data Scientist",
        ("data scientist", "data science", "ds"),
        ("Data Scientist",),
        postings_short=("Data Scientist",),
        bls_codes=("15-2051",),
    ),
    RoleSpec(
        "data_engineer",
        "Data Engineer",
        ("data engineer", "data engineering"),
        ("Data Engineer",),
        postings_short=("Data Engineer",),
        bls_codes=("15-1243",),
        bls_note="BLS has no data-engineer occupation; 15-1243 (Database Architects) is the nearest.",
    ),
    RoleSpec(
        "data_analyst",
        "Data Analyst",
        ("data analyst", "data analytics", "data analysis"),
        ("Data Analyst",),
        postings_short=("Data Analyst",),
        bls_codes=("15-2051", "15-2041"),
        bls_note="BLS has no data-analyst occupation; 15-2051 (Data Scientists, which includes data "
        "analytics specialists) and 15-2041 (Statisticians) are the nearest.",
    ),
    RoleSpec(
        "business_analyst",
        "Business Analyst",
        ("business analyst",),
        ("Business Analyst",),
        postings_short=("Business Analyst",),
        bls_codes=("15-1211",),
        bls_note="Nearest BLS occupation: 15-1211 (Computer Systems Analysts).",
    ),
    RoleSpec(
        "software_engineer",
        "Software Engineer",
        ("software engineer", "software engineering", "swe", "software eng", "software developer"),
        ("Software Engineer",),
        postings_short=("Software Engineer",),
        bls_codes=("15-1252",),
    ),
    RoleSpec(
        "cloud_engineer",
        "Cloud Engineer",
        ("cloud engineer",),
        ("Cloud Engineer",),
        postings_short=("Cloud Engineer",),
        bls_codes=("15-1241", "15-1244"),
        bls_note="Nearest BLS occupations: 15-1241 (Computer Network Architects) and 15-1244 (Network and "
        "Computer Systems Administrators).",
    ),
    RoleSpec(
        "mlops_engineer",
        "MLOps Engineer",
        (
            "mlops engineer",
            "mlops",
            "ml ops",
            "ml ops engineer",
            "machine learning operations",
            "ml platform engineer",
            "ml infrastructure engineer",
        ),
        ("MLOps Engineer",),
        postings_title_regex=r"\b(mlops|ml\s*ops|machine learning operations)\b",
        bls_codes=("15-1252",),
        bls_note="BLS has no MLOps occupation; 15-1252 (Software Developers) is the nearest.",
        postings_note="No postings class; raw job_title matching 'MLOps' is used.",
    ),
    RoleSpec(
        "ai_architect",
        "AI Architect",
        (
            "ai architect",
            "artificial intelligence architect",
            "ai solution architect",
            "ai solutions architect",
            "ml architect",
            "machine learning architect",
        ),
        ("AI Architect",),
        postings_title_regex=r"\b(ai|artificial intelligence|ml|machine learning)\b.*\barchitect",
        bls_codes=("15-1221",),
        bls_note="BLS has no AI-architect occupation; 15-1221 (Computer and Information Research "
        "Scientists) is the nearest.",
        postings_note="No postings class; raw job_title matching '(AI|ML) ... architect' is used.",
    ),
    RoleSpec(
        "research_scientist",
        "Research Scientist",
        ("research scientist", "ai research scientist", "ml research scientist"),
        ("Research Scientist",),
        postings_title_regex=r"\bresearch\s+scientist",
        bls_codes=("15-1221",),
        postings_note="No postings class; raw job_title matching 'research scientist' is used.",
    ),
    RoleSpec(
        "ai_researcher",
        "AI Researcher",
        ("ai researcher", "artificial intelligence researcher"),
        ("AI Researcher",),
        postings_title_regex=r"\b(ai|artificial intelligence)\s+research",
        bls_codes=("15-1221",),
    ),
    RoleSpec(
        "machine_learning_researcher",
        "Machine Learning Researcher",
        ("machine learning researcher", "ml researcher"),
        ("Machine Learning Researcher",),
        postings_title_regex=r"\b(machine learning|ml)\s+research",
        bls_codes=("15-1221",),
    ),
    RoleSpec(
        "research_engineer",
        "Research Engineer",
        ("research engineer",),
        ("Research Engineer",),
        postings_title_regex=r"\bresearch\s+engineer",
        bls_codes=("15-1221",),
    ),
    RoleSpec(
        "applied_scientist",
        "Applied Scientist",
        ("applied scientist",),
        ("Applied Scientist",),
        postings_title_regex=r"\bapplied\s+scientist",
        bls_codes=("15-1221", "15-2051"),
    ),
    RoleSpec(
        "ai_developer",
        "AI Developer",
        ("ai developer", "artificial intelligence developer"),
        ("AI Developer",),
        postings_title_regex=r"\b(ai|artificial intelligence)\s+developer",
        bls_codes=("15-1252",),
    ),
    RoleSpec(
        "computer_vision_engineer",
        "Computer Vision Engineer",
        ("computer vision engineer", "cv engineer", "computer vision"),
        ("Computer Vision Engineer",),
        postings_title_regex=r"\bcomputer\s+vision",
        bls_codes=("15-1221",),
    ),
    RoleSpec(
        "nlp_engineer",
        "NLP Engineer",
        ("nlp engineer", "nlp", "natural language processing engineer", "natural language processing"),
        ("NLP Engineer",),
        postings_title_regex=r"\bnlp\b|natural language",
        bls_codes=("15-1221",),
    ),
    RoleSpec(
        "analytics_engineer",
        "Analytics Engineer",
        ("analytics engineer",),
        ("Analytics Engineer",),
        postings_title_regex=r"\banalytics\s+engineer",
        bls_codes=("15-2051",),
    ),
    RoleSpec(
        "data_architect",
        "Data Architect",
        ("data architect",),
        ("Data Architect",),
        postings_title_regex=r"\bdata\s+architect",
        bls_codes=("15-1243",),
    ),
    RoleSpec(
        "ai_product_manager",
        "AI Product Manager",
        ("ai product manager", "ai pm", "artificial intelligence product manager"),
        ("AI Product Manager",),
        postings_title_regex=r"\b(ai|machine learning|ml)\b.*product\s+manager",
        bls_codes=("11-3021",),
        bls_note="Nearest BLS occupation: 11-3021 (Computer and Information Systems Managers).",
    ),
    RoleSpec(
        "ai_integration_specialist",
        "AI Integration Specialist",
        ("ai integration specialist", "ai integration"),
        (),
        postings_title_regex=r"\bai\s+integration",
        bls_codes=(),
        bls_note="No BLS occupation matches.",
        postings_note="No postings class; raw job_title matching 'AI integration'.",
    ),
    RoleSpec(
        "statistician",
        "Statistician",
        ("statistician",),
        ("Statistician",),
        postings_title_regex=r"\bstatistician",
        bls_codes=("15-2041",),
    ),
    RoleSpec(
        "software_developer",
        "Software Developer",
        ("software developer", "software development"),
        ("Software Developer",),
        postings_title_regex=r"\bsoftware\s+developer",
        bls_codes=("15-1252",),
    ),
    # Occupations that exist mainly in BLS OEWS (the survey has few or no matching titles).
    RoleSpec(
        "systems_administrator",
        "Network and Computer Systems Administrator",
        (
            "network and computer systems administrator",
            "systems administrator",
            "system administrator",
            "sysadmin",
            "sys admin",
            "network administrator",
        ),
        (),
        postings_title_regex=r"\b(systems?|network)\s+administrator",
        bls_codes=("15-1244",),
    ),
    RoleSpec(
        "web_developer",
        "Web Developer",
        (
            "web developer",
            "frontend developer",
            "front end developer",
            "frontend engineer",
            "front end engineer",
        ),
        ("Frontend Engineer",),
        postings_title_regex=r"\b(web|front\s*end)\s+(developer|engineer)",
        bls_codes=("15-1254",),
    ),
    RoleSpec(
        "database_administrator",
        "Database Administrator",
        ("database administrator", "dba"),
        (),
        postings_title_regex=r"\bdatabase\s+administrator",
        bls_codes=("15-1242",),
    ),
    RoleSpec(
        "database_architect",
        "Database Architect",
        ("database architect",),
        ("Data Architect",),
        postings_title_regex=r"\b(database|data)\s+architect",
        bls_codes=("15-1243",),
    ),
    RoleSpec(
        "security_analyst",
        "Information Security Analyst",
        ("information security analyst", "security analyst", "cybersecurity analyst", "security engineer"),
        ("Security Engineer",),
        postings_title_regex=r"\b(security|cybersecurity)\s+(analyst|engineer)",
        bls_codes=("15-1212",),
    ),
    RoleSpec(
        "computer_programmer",
        "Computer Programmer",
        ("computer programmer", "programmer"),
        (),
        postings_title_regex=r"\bprogrammer",
        bls_codes=("15-1251",),
    ),
    RoleSpec(
        "qa_engineer",
        "QA Engineer",
        ("qa engineer", "quality assurance engineer", "software tester", "test engineer", "qa analyst", "qa tester",
         "quality assurance analyst", "quality assurance tester", "test analyst"),
        ("QA Engineer",),
        postings_title_regex=r"\b(qa|quality assurance|test)\s+(engineer|analyst)",
        bls_codes=("15-1253",),
    ),
    RoleSpec(
        "systems_analyst",
        "Computer Systems Analyst",
        ("computer systems analyst", "systems analyst"),
        (),
        postings_title_regex=r"\bsystems?\s+analyst",
        bls_codes=("15-1211",),
    ),
    RoleSpec(
        "network_architect",
        "Computer Network Architect",
        ("computer network architect", "network architect"),
        (),
        postings_title_regex=r"\bnetwork\s+architect",
        bls_codes=("15-1241",),
    ),
    RoleSpec(
        "operations_research_analyst",
        "Operations Research Analyst",
        ("operations research analyst", "operations researcher"),
        (),
        postings_title_regex=r"\boperations\s+research",
        bls_codes=("15-2031",),
    ),
    RoleSpec(
        "computer_research_scientist",
        "Computer and Information Research Scientist",
        ("computer and information research scientist", "computer research scientist", "computer scientist"),
        ("Research Scientist",),
        postings_title_regex=r"\bresearch\s+scientist",
        bls_codes=("15-1221",),
    ),
    RoleSpec(
        "it_manager",
        "Computer and Information Systems Manager",
        (
            "computer and information systems manager",
            "it manager",
            "engineering manager",
            "it director",
            "cto",
            "chief technology officer",
        ),
        ("Engineering Manager",),
        postings_title_regex=r"\b(it|engineering)\s+manager",
        bls_codes=("11-3021",),
    ),
    RoleSpec(
        "hardware_engineer",
        "Computer Hardware Engineer",
        ("computer hardware engineer", "hardware engineer"),
        (),
        postings_title_regex=r"\bhardware\s+engineer",
        bls_codes=("17-2061",),
    ),
)

ROLE_SPECS_BY_KEY: dict[str, RoleSpec] = {s.key: s for s in ROLE_SPECS}


class RoleMapping(BaseModel):
    """The role filter actually applied to each dataset (returned in every result)."""

    key: str = Field(description="role key, e.g. 'machine_learning_engineer', or 'title:<job_title>'")
    label: str
    query_text: str = Field(description="the text the role was resolved from")
    matched: str = Field(description="the alias or dataset title that matched")
    salary_titles: list[str] = Field(default_factory=list, description="survey job_title values")
    postings_short_titles: list[str] = Field(default_factory=list, description="postings job_title_short")
    postings_title_regex: str | None = Field(
        default=None, description="case-insensitive regex on raw job_title"
    )
    bls_codes: list[str] = Field(default_factory=list, description="BLS OEWS occ_code values")
    bls_note: str = ""
    postings_note: str = ""


@lru_cache(maxsize=65536)
def norm_text(text: str) -> str:
    """Lower-case, curly quotes/dashes folded, punctuation to spaces (keeps + and # for c++/c#). Remembered per
    text: each role lookup normalises every role alias and survey title again."""
    t = text.lower()
    t = t.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    t = re.sub(r"[^a-z0-9+#]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _contains_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


_SENIORITY_WORDS = (
    "junior",
    "jr",
    "entry level",
    "entry",
    "graduate",
    "grad",
    "new grad",
    "intern",
    "trainee",
    "mid level",
    "mid",
    "midlevel",
    "intermediate",
    "senior",
    "sr",
    "experienced",
    "lead",
    "principal",
    "staff",
    "director",
    "head of",
    "executive",
    "vp",
    "chief",
)

_ROLE_STOPWORDS = (
    "salary",
    "salaries",
    "pay",
    "wage",
    "wages",
    "compensation",
    "median",
    "average",
    "in",
    "for",
    "the",
    "a",
    "an",
    "role",
    "roles",
    "job",
    "jobs",
    "position",
    "positions",
    "what",
    "is",
    "of",
    "how",
    "much",
    "does",
    "do",
    "make",
    "earn",
    "remote",
    "level",
    "years",
    "year",
    "yrs",
    "with",
    "as",
)


def _strip_seniority(t: str) -> str:
    for w in sorted(_SENIORITY_WORDS, key=len, reverse=True):
        t = re.sub(rf"(?:(?<=\s)|^){re.escape(w)}(?=\s|$)", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _spec_mapping(spec: RoleSpec, query_text: str, matched: str) -> RoleMapping:
    return RoleMapping(
        key=spec.key,
        label=spec.label,
        query_text=query_text,
        matched=matched,
        salary_titles=list(spec.salary_titles),
        postings_short_titles=list(spec.postings_short),
        postings_title_regex=spec.postings_title_regex,
        bls_codes=list(spec.bls_codes),
        bls_note=spec.bls_note,
        postings_note=spec.postings_note,
    )


def _title_mapping(title: str, query_text: str) -> RoleMapping:
    """A survey title with no curated spec: survey only, raw-title regex in postings, no BLS."""
    words = [re.escape(w) for w in norm_text(title).split()]
    return RoleMapping(
        key=f"title:{title}",
        label=title,
        query_text=query_text,
        matched=title,
        salary_titles=[title],
        postings_title_regex=r"\b" + r"\s+".join(words) + r"\b" if words else None,
        bls_codes=[],
        bls_note="No curated BLS occupation for this survey title.",
        postings_note="No curated postings class; raw job_title matching the title words is used.",
    )


def known_role_names(extra_titles: Iterable[str] = ()) -> list[str]:
    """Labels of the curated roles followed by any extra dataset titles (for error messages)."""
    names = [s.label for s in ROLE_SPECS]
    seen = {n.lower() for n in names}
    for t in extra_titles:
        if t.lower() not in seen:
            names.append(t)
            seen.add(t.lower())
    return names


def resolve_role(text: str, extra_titles: Iterable[str] = ()) -> RoleMapping:
    """Map free-text role to dataset filters.

    Order: curated aliases (longest match wins, seniority words ignored, so
    "lead data scientist" is Data Scientist + level EX), then exact survey
    titles given in `extra_titles` (e.g. "Head of Data"), then a clear error
    listing close matches. A curated alias beats a survey title of equal length.
    """
    raw = text or ""
    t_full = norm_text(raw)
    if not t_full:
        raise UnknownRoleError(
            "No role given. Name a role, e.g. 'machine learning engineer'.", [s.label for s in ROLE_SPECS[:6]]
        )
    titles = list(dict.fromkeys(extra_titles))
    title_norm = {norm_text(t): t for t in titles}
    for t in (_strip_seniority(t_full), t_full):
        if not t:
            continue
        best: tuple[int, int, str, RoleMapping] | None = None
        for spec in ROLE_SPECS:
            for alias in (spec.label.lower(), *spec.aliases):
                a = norm_text(alias)
                if a and _contains_phrase(t, a):
                    cand = (len(a), 1, a, _spec_mapping(spec, raw, alias))
                    if best is None or cand[:2] > best[:2]:
                        best = cand
        for tn, title in title_norm.items():
            if tn and _contains_phrase(t, tn):
                owner = next((s for s in ROLE_SPECS if title in s.salary_titles), None)
                mapping = _spec_mapping(owner, raw, title) if owner else _title_mapping(title, raw)
                cand = (len(tn), 0, tn, mapping)
                if best is None or cand[:2] > best[:2]:
                    best = cand
        if best is not None:
            return best[3]
    raise UnknownRoleError(
        _unknown_message("role", raw, _role_suggestions(t_full, titles), [s.label for s in ROLE_SPECS]),
        _role_suggestions(t_full, titles),
    )


def _role_suggestions(t: str, titles: list[str]) -> list[str]:
    core = " ".join(w for w in _strip_seniority(t).split() if w not in _ROLE_STOPWORDS) or t
    pool: dict[str, str] = {}
    for spec in ROLE_SPECS:
        pool[spec.label.lower()] = spec.label
        for a in spec.aliases:
            pool.setdefault(a, spec.label)
    for title in titles:
        pool.setdefault(title.lower(), title)
    out: list[str] = []
    for m in difflib.get_close_matches(core, list(pool), n=8, cutoff=0.6):
        if pool[m] not in out:
            out.append(pool[m])
    # Word overlap catches "quant researcher" → "Quantitative Researcher"-style near misses.
    words = {w for w in core.split() if len(w) > 2}
    if len(out) < 5 and words:
        for key, label in pool.items():
            if label not in out and words & set(key.split()):
                out.append(label)
            if len(out) >= 5:
                break
    return out[:5]


def _unknown_message(what: str, raw: str, suggestions: list[str], examples: list[str]) -> str:
    msg = f"Unknown {what} '{raw.strip()}'."
    if suggestions:
        msg += " Close matches: " + ", ".join(suggestions) + "."
    else:
        msg += " No close match."
    msg += " Known " + ("roles include: " if what == "role" else "countries include: ")
    msg += ", ".join(examples[:12]) + "."
    return msg


# ---------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------

# The United States' states by postal code: the postings place US jobs as "City, ST" or by the state's name.
US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "District of Columbia",
}


# ISO-2 → English name. Covers every code in the survey and every job_country in
# the postings; the postings' own spelling is in POSTINGS_COUNTRY_NAMES.
COUNTRY_NAMES: dict[str, str] = {
    "AD": "Andorra",
    "AE": "United Arab Emirates",
    "AL": "Albania",
    "AM": "Armenia",
    "AR": "Argentina",
    "AS": "American Samoa",
    "AT": "Austria",
    "AU": "Australia",
    "AZ": "Azerbaijan",
    "BA": "Bosnia and Herzegovina",
    "BD": "Bangladesh",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BJ": "Benin",
    "BM": "Bermuda",
    "BN": "Brunei",
    "BO": "Bolivia",
    "BR": "Brazil",
    "BS": "Bahamas",
    "BY": "Belarus",
    "CA": "Canada",
    "CD": "Democratic Republic of the Congo",
    "CF": "Central African Republic",
    "CH": "Switzerland",
    "CI": "Côte d'Ivoire",
    "CL": "Chile",
    "CM": "Cameroon",
    "CN": "China",
    "CO": "Colombia",
    "CR": "Costa Rica",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "DO": "Dominican Republic",
    "DZ": "Algeria",
    "EC": "Ecuador",
    "EE": "Estonia",
    "EG": "Egypt",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GE": "Georgia",
    "GH": "Ghana",
    "GI": "Gibraltar",
    "GM": "Gambia",
    "GR": "Greece",
    "GT": "Guatemala",
    "GU": "Guam",
    "HK": "Hong Kong",
    "HN": "Honduras",
    "HR": "Croatia",
    "HU": "Hungary",
    "ID": "Indonesia",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IQ": "Iraq",
    "IR": "Iran",
    "IT": "Italy",
    "JE": "Jersey",
    "JM": "Jamaica",
    "JO": "Jordan",
    "JP": "Japan",
    "KE": "Kenya",
    "KH": "Cambodia",
    "KR": "South Korea",
    "KW": "Kuwait",
    "KZ": "Kazakhstan",
    "LB": "Lebanon",
    "LK": "Sri Lanka",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MA": "Morocco",
    "MD": "Moldova",
    "ME": "Montenegro",
    "MK": "North Macedonia",
    "MT": "Malta",
    "MU": "Mauritius",
    "MX": "Mexico",
    "MY": "Malaysia",
    "NA": "Namibia",
    "NG": "Nigeria",
    "NI": "Nicaragua",
    "NL": "Netherlands",
    "NO": "Norway",
    "NP": "Nepal",
    "NZ": "New Zealand",
    "OM": "Oman",
    "PA": "Panama",
    "PE": "Peru",
    "PH": "Philippines",
    "PK": "Pakistan",
    "PL": "Poland",
    "PR": "Puerto Rico",
    "PT": "Portugal",
    "PY": "Paraguay",
    "QA": "Qatar",
    "RO": "Romania",
    "RS": "Serbia",
    "RU": "Russia",
    "RW": "Rwanda",
    "SA": "Saudi Arabia",
    "SD": "Sudan",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "SN": "Senegal",
    "SV": "El Salvador",
    "TH": "Thailand",
    "TN": "Tunisia",
    "TR": "Turkey",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "UG": "Uganda",
    "US": "United States",
    "UY": "Uruguay",
    "UZ": "Uzbekistan",
    "VE": "Venezuela",
    "VI": "U.S. Virgin Islands",
    "VN": "Vietnam",
    "ZA": "South Africa",
    "ZM": "Zambia",
    "ZW": "Zimbabwe",
}

# Where the postings file spells a country differently from COUNTRY_NAMES.
POSTINGS_COUNTRY_NAMES: dict[str, str] = {
    "CD": "Congo, Democratic Republic of the",
    "MK": "Macedonia (FYROM)",
}

COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "the us": "US",
    "the united states": "US",
    "the usa": "US",
    "uk": "GB",
    "u k": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "the uk": "GB",
    "the united kingdom": "GB",
    "deutschland": "DE",
    "holland": "NL",
    "the netherlands": "NL",
    "czech republic": "CZ",
    "korea": "KR",
    "republic of korea": "KR",
    "turkiye": "TR",
    "türkiye": "TR",
    "uae": "AE",
    "emirates": "AE",
    "dubai": "AE",
    "russian federation": "RU",
    "viet nam": "VN",
    "the bahamas": "BS",
    "macedonia": "MK",
    "macedonia fyrom": "MK",
    "congo democratic republic of the": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "usvi": "VI",
    "us virgin islands": "VI",
    "espana": "ES",
    "deutsch": "DE",
    "schweiz": "CH",
    "suisse": "CH",
}

# ISO-3 codes people actually type.
_ISO3: dict[str, str] = {
    "usa": "US",
    "gbr": "GB",
    "deu": "DE",
    "fra": "FR",
    "can": "CA",
    "ind": "IN",
    "aus": "AU",
    "esp": "ES",
    "nld": "NL",
    "che": "CH",
    "irl": "IE",
    "pol": "PL",
    "bra": "BR",
    "mex": "MX",
}


class CountryMatch(BaseModel):
    """A resolved country: ISO-2 code for the survey, spelled name for the postings."""

    iso2: str
    name: str
    postings_name: str
    query_text: str


def country_match(iso2: str, query_text: str = "") -> CountryMatch:
    return CountryMatch(
        iso2=iso2,
        name=COUNTRY_NAMES[iso2],
        postings_name=POSTINGS_COUNTRY_NAMES.get(iso2, COUNTRY_NAMES[iso2]),
        query_text=query_text or iso2,
    )


def _country_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for code, name in COUNTRY_NAMES.items():
        idx[norm_text(name)] = code
    for code, name in POSTINGS_COUNTRY_NAMES.items():
        idx[norm_text(name)] = code
    for alias, code in COUNTRY_ALIASES.items():
        idx[norm_text(alias)] = code
    return idx


_COUNTRY_INDEX = _country_index()


def country_code_for_name(name: str) -> str | None:
    """ISO-2 for a spelled country name or alias ("UK", "Türkiye", "United States"); None if unknown."""
    return _COUNTRY_INDEX.get(norm_text(name)) if name else None


def resolve_country(text: str) -> CountryMatch:
    """Country name, alias, ISO-2 or ISO-3 code → CountryMatch; unknown → error with close matches.

    Codes are accepted in any case here because the caller passed an explicit
    country; free-text parsing (`parse_query`) only takes upper-case codes.
    "Georgia" resolves to the country (GE); the US state is not a country.
    """
    raw = (text or "").strip()
    t = norm_text(raw)
    if not t:
        raise UnknownCountryError("No country given.", [])
    compact = t.replace(" ", "")
    if compact == "uk":
        return country_match("GB", raw)
    if len(compact) == 2 and compact.upper() in COUNTRY_NAMES:
        return country_match(compact.upper(), raw)
    if compact in _ISO3:
        return country_match(_ISO3[compact], raw)
    if t in _COUNTRY_INDEX:
        return country_match(_COUNTRY_INDEX[t], raw)
    if t.startswith("the ") and t[4:] in _COUNTRY_INDEX:
        return country_match(_COUNTRY_INDEX[t[4:]], raw)
    names = sorted(set(COUNTRY_NAMES.values()))
    pool = {norm_text(n): n for n in names} | {a: COUNTRY_NAMES[c] for a, c in COUNTRY_ALIASES.items()}
    close: list[str] = []
    for m in difflib.get_close_matches(t, list(pool), n=6, cutoff=0.6):
        if pool[m] not in close:
            close.append(pool[m])
    examples = [
        "United States (US)",
        "United Kingdom (GB/UK)",
        "Germany (DE)",
        "Canada (CA)",
        "India (IN)",
        "France (FR)",
        "Spain (ES)",
        "Netherlands (NL)",
    ]
    raise UnknownCountryError(_unknown_message("country", raw, close, examples), close)


# Country names that are also parts of US place names ("New Jersey"); only accepted as explicit codes.
_AMBIGUOUS_IN_TEXT = frozenset({"jersey"})
# Upper-case tokens that usually mean something else in a question ("SE" level, "QA engineer", "HR", "IT").
_AMBIGUOUS_CODES = frozenset(
    {
        "IT",
        "OR",
        "ME",
        "AS",
        "NO",
        "IN",
        "SE",
        "QA",
        "PR",
        "ID",
        "AM",
        "PA",
        "MA",
        "NA",
        "SA",
        "CD",
        "CI",
        "DO",
        "GE",
        "HR",
        "IE",
        "LB",
        "SN",
        "TN",
        "TH",
        "MT",
        "RO",
        "GM",
        "BS",
        "MD",
        "CF",
        "GU",
        "VI",
    }
)


def find_country_in_text(text: str) -> tuple[CountryMatch | None, str]:
    """Find a country mentioned in free text; return it and the text with the mention removed.

    Only upper-case 2/3-letter codes count ("US", "UK", "DE") so that words
    such as "in", "us" or "de" in a sentence are not read as countries.
    """
    t = norm_text(text)
    # Longest names first so "united states of america" beats "united states".
    for key in sorted(_COUNTRY_INDEX, key=len, reverse=True):
        if (len(key) <= 3 and key not in ("uae", "usa", "drc", "u s", "u k")) or key in _AMBIGUOUS_IN_TEXT:
            continue
        if _contains_phrase(t, key):
            # "Georgia" in the postings is usually the US state; in a question it is the country.
            remaining = f" {t} ".replace(f" {key} ", " ").strip()
            return country_match(_COUNTRY_INDEX[key], key), remaining
    for m in re.finditer(r"(?<![A-Za-z])(U\.S\.A?\.?|U\.K\.?|[A-Z]{2,3})(?![A-Za-z])", text or ""):
        tok = m.group(1).replace(".", "")
        code = None
        if tok == "UK":
            code = "GB"
        elif len(tok) == 2 and tok in COUNTRY_NAMES and tok not in _AMBIGUOUS_CODES:
            code = tok
        elif tok == "IN" and re.search(r"\bin\s+IN\b", text or ""):
            code = "IN"
        elif len(tok) == 3 and tok.lower() in _ISO3:
            code = _ISO3[tok.lower()]
        elif tok in ("US", "USA"):
            code = "US"
        if code:
            remaining = f" {t} ".replace(f" {norm_text(tok)} ", " ").strip()
            return country_match(code, tok), remaining
    return None, t


# ---------------------------------------------------------------------------
# Experience, remote, year
# ---------------------------------------------------------------------------

_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("new grad", "EN"),
    ("entry level", "EN"),
    ("entry", "EN"),
    ("junior", "EN"),
    ("jr", "EN"),
    ("graduate", "EN"),
    ("grad", "EN"),
    ("intern", "EN"),
    ("trainee", "EN"),
    ("beginner", "EN"),
    ("mid level", "MI"),
    ("midlevel", "MI"),
    ("mid", "MI"),
    ("intermediate", "MI"),
    ("senior", "SE"),
    ("sr", "SE"),
    ("experienced", "SE"),
    ("expert", "SE"),
    ("lead", "EX"),
    ("principal", "EX"),
    ("staff", "EX"),
    ("director", "EX"),
    ("head of", "EX"),
    ("executive", "EX"),
    ("vp", "EX"),
    ("chief", "EX"),
)

_YEARS_RE = re.compile(r"\b(\d{1,2})\s*\+?\s*(?:years?|yrs?|yoe)\b")


def experience_from_years(years: int) -> str:
    """Years of experience → survey level: <2 EN, 2–4 MI, 5+ SE (EX needs a title word, not years)."""
    if years < 2:
        return "EN"
    if years < 5:
        return "MI"
    return "SE"


def parse_level(value: str) -> str:
    """'SE', 'senior', 'Sr.' … → level code; unknown → NormalizationError listing the options."""
    v = (value or "").strip()
    if v.upper() in EXPERIENCE_LABELS:
        return v.upper()
    t = norm_text(v)
    singular = re.sub(r"s\b", "", t)  # "directors", "seniors", "leads"
    for word, code in _LEVEL_WORDS:
        if _contains_phrase(t, word) or _contains_phrase(singular, word):
            return code
    raise NormalizationError(
        f"Unknown experience level '{v}'. Use EN (junior/entry), MI (mid), SE (senior) or "
        "EX (lead/principal/staff/director).",
        list(EXPERIENCE_LABELS),
    )


def parse_experience(text: str) -> tuple[str | None, int | None, list[str]]:
    """Level words and "N years" in free text → (level, years, words found).

    Raises ContradictionError if two different level words appear
    ("junior senior") or the words and the years disagree ("junior, 10 years").
    """
    t = norm_text(text)
    found: list[tuple[str, str]] = []
    rest = t
    for word, code in _LEVEL_WORDS:
        if _contains_phrase(rest, word):
            found.append((word, code))
            rest = f" {rest} ".replace(f" {word} ", " ")
    codes = {c for _, c in found}
    m = _YEARS_RE.search(t)
    years = int(m.group(1)) if m else None
    if codes == {"SE", "EX"}:
        # "senior staff engineer", "senior lead": the higher level is meant.
        codes = {"EX"}
    if len(codes) > 1:
        words = ", ".join(f"'{w}' ({c})" for w, c in found)
        raise ContradictionError(f"Contradictory experience words: {words}. Pick one level.")
    level = next(iter(codes)) if codes else None
    if level and years is not None:
        check_experience_consistency(level, years)
    return level, years, [w for w, _ in found]


def check_experience_consistency(level: str, years: int) -> None:
    lo, hi = EXPERIENCE_YEARS_COMPATIBLE[level]
    if not lo <= years <= hi:
        raise ContradictionError(
            f"Contradictory filters: level {level} ({EXPERIENCE_LABELS[level]}) does not fit "
            f"{years} years of experience (expected {lo}–{hi} years). Drop one of them."
        )


def parse_remote(text: str) -> bool | None:
    """'remote' / 'wfh' → True; 'on-site' / 'in office' → False; otherwise None."""
    t = norm_text(text)
    if any(_contains_phrase(t, w) for w in ("on site", "onsite", "in office", "in person", "office based")):
        return False
    if any(_contains_phrase(t, w) for w in ("remote", "fully remote", "wfh", "work from home")):
        return True
    return None


def parse_year(text: str) -> int | None:
    """A four-digit year 1990–2039 in the text, if any."""
    m = re.search(r"\b(19[9]\d|20[0-3]\d)\b", text or "")
    return int(m.group(1)) if m else None


class ParsedQuery(BaseModel):
    """Everything `parse_query` could read from one free-text request."""

    text: str
    role: RoleMapping
    experience: str | None = None
    years_experience: int | None = None
    country: CountryMatch | None = None
    remote: bool | None = None
    year: int | None = None
    experience_words: list[str] = Field(default_factory=list)


def parse_query(text: str, extra_titles: Iterable[str] = ()) -> ParsedQuery:
    """Read role, level, years, country, remote and year out of one sentence.

    E.g. "senior MLE in Germany, remote, 2024" → Machine Learning Engineer, SE,
    DE, remote, 2024. Raises the specific NormalizationError subclasses.
    """
    country, _ = find_country_in_text(text)
    level, years, words = parse_experience(text)
    role = resolve_role(_role_part(text, country), extra_titles)
    role = role.model_copy(update={"query_text": text})
    if (
        role.key.startswith("title:")
        and words
        and all(_contains_phrase(norm_text(role.label), w) for w in words)
    ):
        # "Head of Data" is a survey title; its "head of" must not also become an EX filter.
        level, words = None, []
    return ParsedQuery(
        text=text,
        role=role,
        experience=level,
        years_experience=years,
        country=country,
        remote=parse_remote(text),
        year=parse_year(text),
        experience_words=words,
    )


def _role_part(text: str, country: CountryMatch | None) -> str:
    t = norm_text(text)
    if country is not None:
        t = f" {t} ".replace(f" {norm_text(country.query_text)} ", " ")
    t = _YEARS_RE.sub(" ", t)
    t = re.sub(r"\b(19|20)\d{2}\b", " ", t)
    return re.sub(r"\s+", " ", t).strip()


class PlaceFilter(BaseModel):
    """A place below the country (a city or a US state) as the postings' `job_location` can match it: the
    survey and BLS have countries only, so only the postings' figures can be the place's own."""

    name: str  # as the person wrote it, or the state's name ("Austin", "Texas")
    state: str | None = None  # the postal code when the place is a US state
    locations: list[str] = Field(default_factory=list)  # the `job_location` values that are in it


def _location_in(place: str, state: str | None, location: str) -> bool:
    """Whether a posting's location is in the place: a state's by its ", ST" or its name as the last part, a
    city's by its name among the location's parts (accents aside: "Krakow" is "Kraków")."""
    parts = [without_accents(p.strip().lower()) for p in location.split("(")[0].split(",")]
    if state:
        return location.split("(")[0].rstrip().endswith(f", {state}") or parts[-1] == US_STATES[state].lower()
    return without_accents(place.lower()) in parts


def resolve_place(place: str, locations: Iterable[str]) -> PlaceFilter:
    """The place's filter on the postings: a state by code ("TX"), a city where the postings name one so ("New
    York, NY", "Washington, DC"), else a state by name ("Texas")."""
    state, inside = _place_locations(place.strip(), tuple(locations))
    return PlaceFilter(name=US_STATES[state] if state else place.strip(), state=state, locations=list(inside))


@lru_cache(maxsize=512)
def _place_locations(place: str, locations: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """(postal code or None, the locations in the place): every lookup and search of one place reads the same
    few thousand locations, so each place is matched against them once per process."""
    as_city = tuple(loc for loc in locations if _location_in(place, None, loc))
    state = place.upper() if len(place) == 2 and place.upper() in US_STATES else None
    if state is None and not any("," in loc and _location_in(place, None, loc.split(",")[0]) for loc in as_city):
        state = next((code for code, name in US_STATES.items() if name.lower() == place.lower()), None)
    if state is None:
        return None, as_city
    return state, tuple(loc for loc in locations if _location_in(place, state, loc))


__all__ = [
    "COUNTRY_NAMES",
    "EXPERIENCE_LABELS",
    "ROLE_SPECS",
    "US_STATES",
    "ContradictionError",
    "CountryMatch",
    "NormalizationError",
    "ParsedQuery",
    "PlaceFilter",
    "RoleMapping",
    "RoleSpec",
    "UnknownCountryError",
    "UnknownRoleError",
    "check_experience_consistency",
    "country_code_for_name",
    "country_match",
    "experience_from_years",
    "find_country_in_text",
    "known_role_names",
    "norm_text",
    "parse_experience",
    "parse_level",
    "parse_query",
    "parse_remote",
    "parse_year",
    "resolve_country",
    "resolve_place",
    "resolve_role",
]
