"""A small career glossary: Spanish, German, French, Portuguese and Italian terms → English.

MiniLM reads English only, so a question in another language would retrieve
nothing useful. Career questions use a small vocabulary (salary, skills, job,
engineer, AI...); mapping those words gives retrieval and routing an English
query, and the answer (in English) says so. Unknown words pass through.
"""

from __future__ import annotations

import re

_PHRASES: list[tuple[str, str]] = [
    # roles
    (r"ingenier[oa]s? (de|en) (ia|inteligencia artificial)", "AI engineer"),
    (r"ingénieurs? (en|de) (ia|intelligence artificielle)", "AI engineer"),
    (r"(ki|ai)[- ]?ingenieur(in|e|innen)?", "AI engineer"),
    (r"engenheir[oa]s? de (ia|inteligência artificial)", "AI engineer"),
    (r"ingegner[ei] (di |dell')?(ia|intelligenza artificiale)", "AI engineer"),
    (r"ingenier[oa]s? (de|en) (machine learning|aprendizaje automático|ml)", "machine learning engineer"),
    (r"ingénieurs? (en|de) (machine learning|apprentissage automatique|ml)", "machine learning engineer"),
    (r"(ml|machine[- ]learning)[- ]ingenieur(in|e|innen)?", "machine learning engineer"),
    (r"ingenier[oa]s? de datos|ingénieurs? (de|en) données|dateningenieur(in|e)?", "data engineer"),
    (r"analistas? de datos|analystes? de données|datenanalyst(in|en)?", "data analyst"),
    (r"cient[ií]fic[oa]s? de datos", "data scientist"),
    (r"data[- ]scientists?", "data scientist"),
    (r"aprendizaje automático|apprentissage automatique|maschinelles lernen|aprendizado de máquina",
     "machine learning"),
    (r"inteligencia artificial|intelligence artificielle|künstliche intelligenz|inteligência artificial", "AI"),
    # money
    (r"\b(sueldos?|salarios?|salaires?|gehalt|gehälter|salário|stipendio|retribuzione|rémunération)\b", "salary"),
    (r"\b(cuánto gana|combien gagne|wie viel verdient|quanto ganha|quanto guadagna)\b", "how much does earn"),
    (r"\b(ganan?|verdienen?|verdient|gagnent?|ganham?|guadagnano?)\b", "earn"),
    # skills and jobs
    (r"\b(habilidades|competencias|compétences|fähigkeiten|kenntnisse|competências|competenze)\b", "skills"),
    (r"\b(ofertas de (empleo|trabajo)|ofertas|offres d'emploi|offres|stellenanzeigen|vagas|annunci)\b", "job postings"),
    (r"\b(empleos?|trabajos?|emplois?|stellen|empregos?|lavori?)\b", "jobs"),
    (r"\b(piden|exigen|demandent|verlangen|fordern|pedem|richiedono)\b", "ask for"),
    (r"\b(requisitos|exigences|anforderungen|requisiti)\b", "requirements"),
    (r"\b(carrera|carrière|karriere|carreira|carriera)\b", "career"),
    (r"\b(cómo|comment|wie|como|come)\b", "how"),
    (r"\b(convertirme en|devenir|werden|tornar-me|diventare)\b", "become"),
    (r"\b(qué|quelles?|quels?|welche|quais|quali)\b", "which"),
    (r"\b(en|in|em) (alemania|allemagne|deutschland|alemanha|germania)\b", "in Germany"),
    (r"\b(alemania|allemagne|deutschland|alemanha|germania)\b", "Germany"),
    (r"\b(españa|espagne|spanien|espanha|spagna)\b", "Spain"),
    (r"\b(francia|frankreich|frança)\b", "France"),
    (r"\b(reino unido|royaume-uni|vereinigtes königreich)\b", "United Kingdom"),
    (r"\b(estados unidos|états-unis|vereinigte staaten|stati uniti)\b", "United States"),
    (r"\b(principiantes?|débutants?|anfänger|iniciantes?)\b", "junior"),
    (r"\b(sénior|senior)\b", "senior"),
]
_COMPILED = [(re.compile(p, re.I), en) for p, en in _PHRASES]
_FOREIGN_HINT = re.compile(
    r"[¿¡ñãõçàâêîôûäöüß]|\b(qué|cómo|cuánto|wie|welche|quel|quelles?|combien|quanto|para|pour|für|und|les|las|los|"
    r"der|die|das|d'une?|est|ist|eine?|salaire|sueldo|gehalt)\b",
    re.I,
)


def looks_foreign(text: str) -> bool:
    return bool(_FOREIGN_HINT.search(text))


def to_english(text: str) -> str:
    """The question with known career terms replaced by English ones ('' if nothing was replaced)."""
    if not looks_foreign(text):
        return ""
    out = text
    for pattern, english in _COMPILED:
        out = pattern.sub(english, out)
    return out if out != text else ""
