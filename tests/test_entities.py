"""The entity pipeline built from the knowledge base, on the way people really write."""

from __future__ import annotations

import pytest

from knowledge.entities import build_pipeline, extract

PHRASINGS = [
    # roles: what people call each level
    ("what does a TL make?", [("ROLE", "team_lead")]),
    ("how much does a team leader earn", [("ROLE", "team_lead")]),
    ("Team Lead salary", [("ROLE", "team_lead")]),
    ("im a csr at a bank", [("ROLE", "representative"), ("INDUSTRY", "financial_services")]),
    ("I've been an agent for 3 years", [("ROLE", "representative")]),
    ("been a rep on the phones forever", [("ROLE", "representative")]),
    ("how do I become a supervisor", [("ROLE", "team_lead")]),
    ("what does the head of customer service do", [("ROLE", "director")]),
    ("Director of Customer Service pay", [("ROLE", "director")]),
    ("and a manager?", [("ROLE", "manager")]),
    ("how long until I'm a Customer Service Manager", [("ROLE", "manager")]),
    ("senior rep vs specialist", [("ROLE", "senior_representative"), ("ROLE", "specialist")]),
    ("what's a customer service associate", [("ROLE", "associate")]),
    # regions and countries
    ("how much in Germany?", [("REGION", "western_europe")]),
    ("salaries in the netherlands", [("REGION", "western_europe")]),
    ("what about France", [("REGION", "western_europe")]),
    ("pay in eastern europe", [("REGION", "eastern_europe")]),
    ("and in Japan?", [("REGION", "japan")]),
    ("what do agents make in the US", [("ROLE", "representative"), ("REGION", "us")]),
    ("working in Australia", [("REGION", "australia")]),
    ("i live in mexico", [("REGION", "latin_america")]),
    ("how much in the Philippines", [("COUNTRY", "philippines")]),
    # careers
    ("could I move into HR?", [("CAREER", "hr_recruitment")]),
    ("I want to be a recruiter", [("CAREER", "hr_recruitment")]),
    ("is sales a good fit", [("CAREER", "sales_account_management")]),
    ("what about account manager roles", [("CAREER", "sales_account_management")]),
    ("customer success manager", [("CAREER", "customer_success")]),
    ("how do i get into ux design", [("CAREER", "ux")]),
    ("QA or becoming a trainer?", [("CAREER", "quality_assurance"), ("CAREER", "training")]),
    ("do team leads earn more than agents", [("ROLE", "team_lead"), ("ROLE", "representative")]),
    ("I'd like to get into tech support", [("CAREER", "technical_support")]),
    ("what about marketing", [("CAREER", "marketing_cx_strategy")]),
    # skills
    ("I'm great at dealing with angry customers", [("SKILL", "de_escalation")]),
    ("my empathy and problem solving", [("SKILL", "empathy"), ("SKILL", "problem_solving")]),
    ("I know Zendesk and Excel", [("SKILL", "crm_software"), ("SKILL", "microsoft_office")]),
    ("people skills and multitasking", [("SKILL", "interpersonal_skills"),
                                        ("SKILL", "time_management")]),
    # industries
    ("I work in a BPO", [("INDUSTRY", "business_process_outsourcing")]),
    ("retail customer service", [("INDUSTRY", "retail_trade")]),
    # nothing to find
    ("hello there", []),
    ("", []),
]


@pytest.mark.parametrize("text, expected", PHRASINGS)
def test_real_phrasings_give_canonical_ids(nlp, text, expected):
    assert [(e.label, e.id) for e in extract(nlp, text)] == expected


def test_entities_keep_what_the_person_wrote_and_where(nlp):
    text = "what does a TL make in Germany?"
    ents = extract(nlp, text)
    assert [(e.text, text[e.start:e.end]) for e in ents] == [("TL", "TL"), ("Germany", "Germany")]


def test_every_name_in_the_knowledge_base_is_recognised(nlp, kb):
    for label, ident, phrase, country in kb.entity_phrases():
        found = extract(nlp, phrase)
        assert [(e.label, e.id, e.country) for e in found] == [(label, ident, country)], phrase


@pytest.mark.parametrize("text, region, country", [
    ("how much in Germany?", "western_europe", "germany"),
    ("and in Holland", "western_europe", "netherlands"),
    ("what about the UK", "western_europe", "united_kingdom"),
    ("Western Europe salaries", "western_europe", None),
    ("pay in poland", "eastern_europe", "poland"),
])
def test_a_country_names_its_region_and_itself(nlp, text, region, country):
    (ent,) = extract(nlp, text)
    assert (ent.label, ent.id, ent.country) == ("REGION", region, country)


def test_a_country_without_figures_is_only_a_country(nlp):
    (ent,) = extract(nlp, "what do agents get paid in india")[1:]
    assert (ent.label, ent.id, ent.country) == ("COUNTRY", "india", "india")


def test_the_longest_match_wins():
    nlp = build_pipeline([("ROLE", "manager", "manager"),
                          ("CAREER", "sales", "account manager")])
    assert [(e.label, e.id) for e in extract(nlp, "an account manager")] == [("CAREER", "sales")]


def test_huge_and_odd_input_does_not_break_it(nlp):
    assert extract(nlp, "🙂" * 50) == []
    assert [e.id for e in extract(nlp, "what does a TL make'; DROP TABLE kb_roles;--")] == [
        "team_lead"]
    assert extract(nlp, "<script>alert(1)</script>") == []
    assert len(extract(nlp, "team lead " * 2000)) == 2000


MISSPELT = [
    # a misspelt name is the name, and its entity spans what the person wrote
    ("is being a team leed worth it", [("ROLE", "team_lead", "team leed")]),
    ("what does a suprvisor make in cananda",
     [("ROLE", "team_lead", "suprvisor"), ("REGION", "canada", "cananda")]),
    ("is a manger job worth it", [("ROLE", "manager", "manger")]),
    # words read together: neither alone makes a name
    ("how do i get into projct managment", [("CAREER", "project_management", "projct managment")]),
    ("custmer sucess manager pay", [("CAREER", "customer_success", "custmer sucess manager")]),
    # a longer name read through a misspelling replaces the shorter one found as written
    ("I want to be a traning specialist", [("CAREER", "training", "traning specialist")]),
    ("thinking of moving to austrlia", [("REGION", "australia", "austrlia")]),
    # "bein" is closer to "being" than to Bern; the closer reading makes no name
    ("wat r the pros n cons of bein a superviser", [("ROLE", "team_lead", "superviser")]),
    # a misspelling never becomes one of the world's small places ("salery": Salé)
    ("salery for a job like this", []),
    # everyday words and short slang are left alone
    ("hows it going", []),
    ("i am so tired of this lol, applyng for months", []),
]


@pytest.mark.parametrize("text, expected", MISSPELT)
def test_misspelt_names_are_the_names_they_misspell(nlp, text, expected):
    ents = extract(nlp, text)
    assert [(e.label, e.id, e.text) for e in ents] == expected
    assert all(text[e.start:e.end] == e.text for e in ents)
