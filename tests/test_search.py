"""Search by meaning over the knowledge base (knowledge/search_index.py) and the answer made
from it when the intent is unsure (actions/search.py): the right entry for a paraphrase, shown
as it stands with its source; nothing for nonsense; "Did you mean" only for two close readings."""

from __future__ import annotations

import pytest

from actions import knowledge_base
from actions.answer import answers
from actions.search import ANSWER_AT, OFFER_AT, ActionSearchAnswer
from knowledge.formatting import figure
from knowledge.search_index import SearchIndex, build_index, entry_texts
from rasa_ext.sentence_encoder import shared_encoder
from tests.actions_support import run, tracker


@pytest.fixture(scope="module")
def index(kb, tmp_path_factory) -> SearchIndex:
    folder = tmp_path_factory.mktemp("search")
    assert build_index(kb, folder) == len(entry_texts(kb))
    return SearchIndex.load(folder)


@pytest.fixture(autouse=True)
def loaded(kb):
    knowledge_base.use(kb)
    yield
    knowledge_base.use(None)


def search(index: SearchIndex, text: str):
    return index.search(shared_encoder().encode([text])[0])


def test_every_kind_of_entry_is_searchable(kb):
    refs = entry_texts(kb)
    for prefix in ("fact:", "career/", "role/", "pay/", "region/"):
        assert any(r.startswith(prefix) for r in refs), prefix
    assert len(refs) == (sum(len(kb.facts(k)) for k in kb.kinds()) + len(kb.careers())
                         + len(kb.ladder()) + len(kb.pay_figures()) + len(kb.regions()))


@pytest.mark.parametrize("text, ref_start", [
    ("what does it cost to get a bachelor's degree", "fact:training_options/bachelors_degree"),
    ("which countries offer visas for digital nomads", "fact:visas/"),
    ("being a team leader, what's the day to day like", "role/team_lead"),
    ("could I move into project management", "career/project_management"),
])
def test_a_paraphrase_finds_the_entry_that_answers_it(index, text, ref_start):
    best = search(index, text)[0]
    assert best.ref.startswith(ref_start) and best.score >= ANSWER_AT, search(index, text)


@pytest.mark.parametrize("text", ["purple monkey dishwasher", "asdfgh qwerty",
                                  "what's the best pizza topping"])
def test_nonsense_finds_nothing_close_enough(index, text):
    assert search(index, text)[0].score < ANSWER_AT


def test_the_best_entry_is_shown_as_it_stands_with_its_source(kb):
    fact = next(f for f in kb.facts("training_options") if f.figures)
    other = kb.facts("certifications")[0]
    reply = run(ActionSearchAnswer(), tracker(
        "nlu_fallback", matches=[(f"fact:training_options/{fact.id}", ANSWER_AT + 0.1),
                                 (f"fact:certifications/{other.id}", OFFER_AT + 0.01),
                                 ("career/ux", OFFER_AT - 0.01)]))
    assert reply.responses == ["utter_search_fact"]
    assert fact.text in reply.text and figure(fact.figures[0]) in reply.text
    assert f"“{fact.sources[0].title}”" in reply.text
    # the runner-up above the offer threshold is a button; the one below is not
    assert [b["title"] for b in reply.buttons] == [other.title]
    assert reply.slot("last_topic") == "ask_education"


def test_a_career_or_role_entry_answers_about_that_subject(kb):
    reply = run(ActionSearchAnswer(), tracker("nlu_fallback", matches=[("career/ux", 0.7)]))
    assert kb.career("ux").name in reply.text and reply.slot("career") == "ux"
    reply = run(ActionSearchAnswer(), tracker("nlu_fallback",
                                              matches=[("role/team_lead", 0.7)]))
    assert reply.slot("role") == "team_lead" and reply.slot("last_topic") == "ask_role_duties"


def test_nothing_close_says_so_plainly_and_states_no_figure():
    reply = run(ActionSearchAnswer(), tracker("nlu_fallback", text="what is a flux capacitor?",
                                              matches=[("fact:why_leave/burnout", 0.2)]))
    assert reply.responses == ["utter_search_no_match"] and "$" not in reply.text
    assert reply.slot("last_topic") is None


def test_nothing_close_to_a_message_that_asks_nothing_gets_a_human_reply():
    # "I have nothing on that" answers a question; said to someone venting it is cold
    vented = tracker("nlu_fallback", text="6 years. 6 *bastard* years.",
                     matches=[("fact:why_leave/burnout", 0.2)])
    reply = run(ActionSearchAnswer(), vented)
    assert reply.responses == ["utter_acknowledge_said", "utter_statement_next"]
    felt = tracker("nlu_fallback", text="how do I get a flux capacitor, I'm so scared",
                   entities={"feeling": "scared"}, matches=[("fact:why_leave/burnout", 0.2)])
    assert run(ActionSearchAnswer(), felt).responses == ["utter_acknowledge_scared",
                                                         "utter_search_no_match"]


def test_did_you_mean_only_for_two_close_readings_and_never_plan_steps():
    close = tracker("nlu_fallback", entities={"role": "team_lead"},
                    ranking={"nlu_fallback": 0.5, "plan_next": 0.45, "ask_salary": 0.4,
                             "ask_years": 0.38, "ask_ladder": 0.1})
    reply = run(ActionSearchAnswer(), close)
    assert reply.responses == ["utter_did_you_mean"]
    assert [b["payload"] for b in reply.buttons] == [
        '/ask_salary{"role": "team_lead"}', '/ask_years{"role": "team_lead"}', "/help"]
    unlikely = tracker("nlu_fallback", text="what about the thing?",
                       ranking={"ask_salary": 0.2, "ask_years": 0.1})
    assert run(ActionSearchAnswer(), unlikely).responses == ["utter_search_no_match"]


def test_with_nothing_close_a_likely_reading_answers(kb):
    apart = tracker("nlu_fallback", ranking={"steps_to_leave": 0.45, "ask_years": 0.1})
    reply = run(ActionSearchAnswer(), apart)
    assert reply.responses == ["utter_topic_steps_to_leave"]
    assert reply.slot("last_topic") == "steps_to_leave"


def test_a_feeling_is_acknowledged_before_the_entry():
    reply = run(ActionSearchAnswer(), tracker("nlu_fallback", entities={"feeling": "scared"},
                                              matches=[("career/ux", 0.7)]))
    assert reply.responses[0] == "utter_acknowledge_scared"


def test_a_one_fact_question_gets_that_fact_not_the_topic(kb):
    fact = next(f for f in kb.facts("training_options") if f.figures)
    t = tracker("ask_education", text="how much does a bachelor's degree cost",
                matches=[(f"fact:training_options/{fact.id}", 0.62)])
    reply = run(answers()["ask_education"], t)
    assert fact.text in reply.text and figure(fact.figures[0]) in reply.text
    assert "Also:" not in reply.text
    # a broad question about the same topic still gets the topic
    broad = tracker("ask_education", text="what education do I need",
                    matches=[(f"fact:training_options/{fact.id}", 0.62)])
    assert "Also:" in run(answers()["ask_education"], broad).text


def test_a_short_question_pointing_back_continues_the_conversations_subject():
    t = tracker("nlu_fallback", text="is it worth it?", slots={"last_topic": "ask_education"},
                ranking={"why_stay": 0.2})
    reply = run(ActionSearchAnswer(), t)
    assert reply.responses == ["utter_topic_ask_education"]


@pytest.mark.parametrize("text, skill", [("coaching people", "leadership_coaching"),
                                         ("scheduling", "time_management"),
                                         ("I'm good at calming people down",
                                          "staying_calm_under_pressure")])
def test_strengths_in_ones_own_words_find_the_skill_they_mean(index, text, skill):
    assert index.skills(shared_encoder().encode([text])[0])[0].ref == skill



@pytest.mark.parametrize("text, response", [
    ("Hello bloggers!", "utter_greet"), ("I need help, I need advice", "utter_help"),
    ("Please give me some tips on what to do.", "utter_help"),
    ("sorry if this is the wrong place, I just don't know where else to turn", "utter_help"),
    ("can you please point me in the right direction?", "utter_topic_steps_to_leave"),
])
def test_with_nothing_close_a_plain_greeting_plea_or_request_for_advice_is_met(text, response):
    reply = run(ActionSearchAnswer(), tracker("nlu_fallback", text=text,
                                              ranking={"greet": 0.2}))
    assert reply.responses[-1] == response


def test_an_entry_much_closer_than_an_unsure_intent_answers_instead(kb):
    # "how long till she's job ready": read as the years to a level at 0.54, while the job
    # readiness fact is 0.61 close
    unsure = tracker("ask_years", text="how long till shes job ready",
                     matches=[("fact:job_readiness/job_ready", 0.61)])
    unsure.latest_message["intent"]["confidence"] = 0.54
    reply = run(answers()["ask_years"], unsure)
    assert reply.responses == ["utter_search_fact"]
    assert kb.fact("job_readiness", "job_ready").text in reply.text
    # a surer intent, a subject named, or a follow-up keeps the intent's own answer
    unsure.latest_message["intent"]["confidence"] = 0.7
    assert run(answers()["ask_years"], unsure).slot("last_topic") == "ask_years"
    named = tracker("ask_years", text="how long till I'm a team lead",
                    entities={"role": "team_lead"},
                    matches=[("fact:job_readiness/job_ready", 0.61)])
    named.latest_message["intent"]["confidence"] = 0.54
    assert run(answers()["ask_years"], named).slot("last_topic") == "ask_years"


def test_an_acronym_the_documents_do_not_explain_is_said_plainly(kb):
    reply = run(ActionSearchAnswer(), tracker(
        "nlu_fallback", entities={"unknown_term": "ACW", "role": "team_lead"},
        text="whats ACW? my supervisor wrote it on my review",
        matches=[("role/team_lead", 0.5)]))
    assert reply.responses == ["utter_term_unknown"] and "ACW" in reply.text
    assert "AHT" in reply.text and reply.slot("last_topic") is None


def test_a_plea_for_help_with_nothing_close_gets_what_i_can_do_not_a_guessed_topic():
    plea = tracker("nlu_fallback", text="I need help, I need advice and input from other people.",
                   ranking={"why_leave": 0.45, "ask_years": 0.1},
                   matches=[("fact:steps_out/advisory_mentor", 0.34)])
    assert run(ActionSearchAnswer(), plea).responses == ["utter_help"]


def test_pay_figures_as_close_as_the_best_are_shown_with_it_about_no_level(kb):
    # "and the median for customer service overall?": the yearly and the hourly median, and
    # the level talked about before is no longer the subject ("per hour?" next)
    hourly, yearly = "pay/median_hourly", "pay/median_annual_003"
    reply = run(ActionSearchAnswer(), tracker(
        "nlu_fallback", text="and the median for customer service overall?",
        slots={"role": "manager"}, matches=[(hourly, 0.70), (yearly, 0.65), ("region/us", 0.59)]))
    shown = [kb.pay("median_hourly")] + list(kb.pay_figures(kb.pay("median_annual_003").compare))
    assert len(shown) >= 3  # the documents disagree on the yearly median: every one is shown
    for pay in shown:
        assert figure(pay.figure) in reply.text
    assert reply.slot("role") is None and any(
        e.get("name") == "role" for e in reply.events if e.get("event") == "slot")


def test_a_word_naming_a_topic_answers_when_nothing_is_close():
    home = tracker("nlu_fallback", text="can i at least do this from home",
                   matches=[("fact:remote_work/remote_setup", 0.32)])
    assert run(ActionSearchAnswer(), home).slot("last_topic") == "ask_remote"
    # two topics named: no guess between them
    both = tracker("nlu_fallback", text="is a remote course any use?",
                   matches=[("fact:remote_work/remote_setup", 0.2)])
    assert run(ActionSearchAnswer(), both).responses == ["utter_search_no_match"]


def test_is_it_worth_it_with_nothing_close_is_what_speaks_for_the_last_subject(kb):
    worth = tracker("nlu_fallback", text="is it worth it?", slots={
        "role": "team_lead", "last_topic": "ask_role_duties"},
        matches=[("fact:training_options/short_programs_favored", 0.25)])
    assert run(ActionSearchAnswer(), worth).slot("last_topic") == "compare_roles"
