"""The personal plan end to end over REST, with the real servers and the trained model: the
questions (with a question asked in the middle, and a stop), the plan, stepping, persistence
across a restart of both servers, 20 people at once, and deletion."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from knowledge.formatting import amount
from knowledge.repository import CareerKnowledge
from plans.store import PlanStore
from tests.servers import server_env, start_actions, start_rasa

pytestmark = pytest.mark.e2e

Ask = Callable[[str, str], str]


class Bot:
    """Both servers on a temporary knowledge base and plan database; can be restarted."""

    def __init__(self, built, logs):
        self.url, nlp_dir = built
        self.env = server_env(self.url, nlp_dir)
        self.logs = logs
        self.servers: list = []
        self.webhook = ""

    def start(self) -> None:
        actions, port = start_actions(self.env, self.logs)
        self.servers.append(actions)
        rasa, self.webhook = start_rasa(self.env, self.logs, port)
        self.servers.append(rasa)

    def stop(self) -> None:
        while self.servers:
            self.servers.pop().stop()

    def ask(self, sender: str, text: str) -> str:
        response = requests.post(self.webhook, json={"sender": sender, "message": text},
                                 timeout=60)
        response.raise_for_status()
        return "\n".join(m.get("text", "") for m in response.json())


@pytest.fixture(scope="module")
def bot(built, tmp_path_factory):
    bot = Bot(built, tmp_path_factory.mktemp("e2e-plan-logs"))
    try:
        bot.start()
        yield bot
    finally:
        bot.stop()


def person() -> str:
    return f"plan-{uuid.uuid4().hex[:8]}"


def step_number(text: str) -> tuple[int, int]:
    found = re.search(r"Step (\d+) of (\d+)", text)
    assert found, f"no step shown in: {text[:300]}"
    return int(found.group(1)), int(found.group(2))


def build_plan(ask: Ask, me: str) -> str:
    """The questions answered the way a person would; returns the reply with the plan."""
    assert "role" in ask(me, "help me plan my move into HR")  # the target is already given
    assert "How long" in ask(me, "I'm a team lead")
    assert "good at" in ask(me, "about 4 years")
    assert "matters most" in ask(me, "I'm patient and good at conflict resolution")
    assert "where do you work" in ask(me, "pay and working from home")
    return ask(me, "Germany")


def test_the_questions_lead_to_a_saved_plan_and_stepping_works(bot, kb: CareerKnowledge):
    me = person()
    reply = build_plan(bot.ask, me)
    assert kb.career("hr_recruitment").name in reply and step_number(reply)[0] == 1
    saved = PlanStore(bot.url).load(f"rest:{me}")
    assert saved is not None and saved.profile.current_role_id == "team_lead"
    assert saved.profile.region_id == "western_europe" and saved.profile.years_in_service == 4
    assert saved.profile.target_career_id == "hr_recruitment"
    assert {"patience", "conflict_resolution"} <= set(saved.profile.strengths)
    assert saved.profile.priorities == ("pay", "remote")

    assert step_number(bot.ask(me, "next"))[0] == 2
    assert step_number(bot.ask(me, "I've done this step"))[0] == 3
    assert step_number(bot.ask(me, "go back"))[0] == 2
    assert step_number(bot.ask(me, "skip this one"))[0] == 3
    assert "you're on step 3" in bot.ask(me, "show my whole plan")
    assert step_number(bot.ask(me, "where was I?"))[0] == 3
    exported = bot.ask(me, "export my plan")
    assert all(s.title in exported for s in saved.steps)


def test_a_question_in_the_middle_is_answered_and_the_form_goes_on(bot, kb):
    me = person()
    bot.ask(me, "make me a plan")
    assert "How long" in bot.ask(me, "agent")
    reply = bot.ask(me, "what does a manager make?")
    assert amount(kb.role("manager").median_usd, "USD") in reply
    assert "How long" in reply  # and the question again
    assert "good at" in bot.ask(me, "2 years")


def test_stopping_half_way_keeps_nothing_and_the_bot_goes_on(bot, kb):
    me = person()
    bot.ask(me, "start my plan")
    assert "stopped" in bot.ask(me, "stop")
    assert PlanStore(bot.url).load(f"rest:{me}") is None
    assert amount(kb.role("team_lead").median_usd, "USD") in bot.ask(
        me, "what does a team lead make?")


def test_deleting_asks_first_and_then_forgets(bot):
    me = person()
    build_plan(bot.ask, me)
    assert "can't be undone" in bot.ask(me, "delete my plan")
    assert "kept" in bot.ask(me, "no")
    assert PlanStore(bot.url).load(f"rest:{me}") is not None
    bot.ask(me, "forget me")
    assert "deleted" in bot.ask(me, "yes")
    assert PlanStore(bot.url).load(f"rest:{me}") is None
    assert "don't have a plan" in bot.ask(me, "where was I?")


def test_twenty_people_at_once_each_get_their_own_plan(bot):
    people = [person() for _ in range(20)]

    def one(i: int) -> tuple[str, int]:
        me = people[i]
        build_plan(bot.ask, me)
        for _ in range(i % 4):
            bot.ask(me, "next")
        return me, i % 4 + 1

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    store = PlanStore(bot.url)
    for me, expected_step in results:
        saved = store.load(f"rest:{me}")
        assert saved is not None and saved.sender_id == f"rest:{me}"
        assert saved.position.number == expected_step
        assert step_number(bot.ask(me, "where was I?"))[0] == expected_step


def test_a_plan_survives_a_restart_of_both_servers(bot):
    me = person()
    build_plan(bot.ask, me)
    bot.ask(me, "next")
    bot.ask(me, "next")
    bot.stop()
    bot.start()
    assert step_number(bot.ask(me, "where was I?"))[0] == 3


def test_answers_out_of_order_where_was_i_and_go_back(bot, kb):
    """A person who answers a later question early, asks where they were and goes back: the
    plan names the target they chose, not a default."""
    me = person()
    assert "role" in bot.ask(me, "can you make me a plan")
    assert "How long" in bot.ask(me, "team leader")
    assert "good at" in bot.ask(me, "3 years")
    assert "matters most" in bot.ask(me, "coaching and de-escalation")
    kept = bot.ask(me, "project management")  # the career, given to the priorities question
    assert "noted that as the career you want" in kept and "matters most" in kept
    recap = bot.ask(me, "where was I?")
    assert kb.role("team_lead").name in recap and "3 years" in recap
    assert kb.career("project_management").name in recap
    assert "good at" in bot.ask(me, "go back")  # the strengths, reopened
    assert "matters most" in bot.ask(me, "coaching and de-escalation")
    assert "where do you work" in bot.ask(me, "better pay")  # the target was kept: skipped
    plan = bot.ask(me, "Canada")
    assert kb.career("project_management").name in plan


# People who answer the plan's questions in their own words: (who, the answers in order, the
# career the plan must be for). Each answer is what the bot's question asked for, said the way
# people say it; some interrupt with a question or a feeling.
PEOPLE = [
    ("a team lead into HR, strengths in own words", [
        "help me plan a move into human resources", "I'm a TL", "team leader for 2 years",
        "coaching people, scheduling, reporting", "less stress", "Germany"], "hr_recruitment"),
    ("a rep who is not sure", [
        "make me a plan", "just a regular agent on the phones", "six months",
        "calm under pressure and good with angry callers", "better pay", "not sure", "Japan"],
     None),
    ("a senior rep into project management, asks pay midway", [
        "can you build me a career plan", "senior csr", "about five years",
        "what does a manager make?", "five years", "organised and good at multitasking",
        "growth", "project management", "Canada"], "project_management"),
    ("a specialist into UX from Australia", [
        "plan my move into UX please", "specialist", "7 yrs", "empathy and problem solving",
        "remote work and growth", "Australia"], "ux"),
    ("a manager into training, answers a later question early", [
        "help me plan", "I'm a customer service manager", "training",
        "12 years", "coaching and public speaking", "pay", "somewhere else"], "training"),
    ("an associate into customer success from Mexico", [
        "I want a plan to get into customer success", "associate", "a year and a half",
        "relationship building, product knowledge", "all of them", "Mexico"],
     "customer_success"),
    ("a director into consulting in the US", [
        "plan for moving into consulting", "director of customer service", "fifteen years",
        "strategic thinking and negotiation", "pay", "United States"],
     "consulting_entrepreneurship"),
    ("a rep in India into sales, who asked about pay in India first", [
        "how much do agents make in India?", "help me plan a move into sales", "csr",
        "2 years", "negotiating and building rapport", "more money", "India"],
     "sales_account_management"),
    ("an agent in Brazil into tech support, exhausted", [
        "so tired of the phones, can you help me plan my way out", "agent", "3 years",
        "fixing tech problems for customers", "less stress", "technical support", "Brazil"],
     "technical_support"),
    ("a specialist into QA who stops to vent", [
        "make me a plan for quality assurance", "specialist", "ugh my AHT got flagged again",
        "6 years", "attention to detail and coaching", "growth", "Poland"],
     "quality_assurance"),
]


@pytest.mark.parametrize("who, answers, career", PEOPLE, ids=[p[0] for p in PEOPLE])
def test_people_answering_in_their_own_words_get_the_plan_they_chose(bot, kb, who, answers,
                                                                    career):
    me = person()
    reply = ""
    for said in answers:
        reply = bot.ask(me, said)
    assert "is ready" in reply, f"{who}: {reply[:400]}"
    step_number(reply)
    if career is not None:
        assert kb.career(career).name in reply


def test_the_target_can_be_changed_after_the_plan_is_built(bot, kb):
    me = person()
    build_plan(bot.ask, me)
    reply = bot.ask(me, "change my target to project management")
    assert "is ready" in reply and kb.career("project_management").name in reply, reply[:400]
