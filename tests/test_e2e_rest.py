"""End to end over REST: the real action server and Rasa server (with the trained model), on free
ports, asked the questions people ask; each answer's figures are checked against the knowledge
base. Needs `make train` first (make test does it)."""

from __future__ import annotations

import uuid

import pytest
import requests

from knowledge.formatting import amount
from tests.actions_support import band_text
from tests.servers import server_env, start_actions, start_rasa

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bot(built, tmp_path_factory):
    """(ask, env, log dir, servers): both servers running on a temporary knowledge base."""
    url, nlp_dir = built
    logs = tmp_path_factory.mktemp("e2e-logs")
    env = server_env(url, nlp_dir)
    actions, actions_port = start_actions(env, logs)
    servers = {"actions": actions, "actions_port": actions_port}
    try:
        rasa, webhook = start_rasa(env, logs, actions_port)
        servers["rasa"] = rasa

        def ask(sender: str, text: str) -> str:
            response = requests.post(webhook, json={"sender": sender, "message": text},
                                     timeout=30)
            response.raise_for_status()
            return "\n".join(m.get("text", "") for m in response.json())

        yield ask, env, logs, servers
    finally:
        for key in ("rasa", "actions"):
            if key in servers:
                servers[key].stop()


def usd(value: float) -> str:
    return amount(value, "USD")


def person() -> str:
    return f"e2e-{uuid.uuid4().hex[:8]}"


# (question, what the answer must contain, computed from the knowledge base)
QUESTIONS = [
    ("what does a team lead make?", lambda kb: [usd(kb.role("team_lead").median_usd),
                                                 usd(kb.role("team_lead").average_usd)]),
    ("how much do CSRs earn", lambda kb: [usd(kb.role("representative").median_usd)]),
    ("whats the salary of a customer service manager",
     lambda kb: [usd(kb.role("manager").median_usd)]),
    ("director of customer service salary", lambda kb: [usd(kb.role("director").median_usd)]),
    ("how much does a senior rep get paid",
     lambda kb: [usd(kb.role("senior_representative").median_usd)]),
    ("what's the median pay in customer service",
     lambda kb: [usd(p.figure.low) for p in kb.pay_figures("median_annual_pay")]),
    ("how much in Germany?", lambda kb: [band_text(kb, "western_europe"),
                                         usd(kb.region("western_europe").pay[0].usd_low)]),
    ("salaries in australia", lambda kb: ["AUD 50,000-AUD 70,000"]),
    ("what do reps make in japan", lambda kb: [band_text(kb, "japan")]),
    ("how much do agents get paid in the Philippines",
     lambda kb: ["don't give any salary figures for Philippines"]),
    ("how much would I earn in France",
     lambda kb: ["don't name France", band_text(kb, "western_europe")]),
    # both medians, and no difference: the sources state none (a figure must be theirs)
    ("team lead vs manager, how much more do they make",
     lambda kb: [usd(kb.role("manager").median_usd), usd(kb.role("team_lead").median_usd)]),
    ("what's the career path in customer service", lambda kb: [r.name for r in kb.ladder()]),
    ("how long until I'm a manager",
     lambda kb: [f"{kb.role('manager').years_low}-{kb.role('manager').years_high} years"]),
    ("what does a team lead actually do", lambda kb: [kb.role("team_lead").duties]),
    ("why should I leave customer service", lambda kb: [kb.facts("why_leave")[0].title]),
    ("what skills transfer from customer service",
     lambda kb: [kb.transferable_skills()[0].name]),
    ("what skills do I need for HR", lambda kb: [kb.career("hr_recruitment").why_fit]),
    ("what jobs can I do after customer service", lambda kb: [c.name for c in kb.careers()]),
    ("I'm patient and really good at calming angry customers, which career fits me",
     lambda kb: ["fit best"]),
    ("how do I get out of customer service",
     lambda kb: [f"{i}. {s.title}" for i, s in enumerate(kb.facts("steps_out"), 1)]),
    ("do I need a degree to move up", lambda kb: [kb.facts("education")[0].title]),
    ("is customer service a dying field", lambda kb: ["3%", "decline of 5%"]),
    ("will AI replace call center agents", lambda kb: [kb.facts("ai_automation")[0].title]),
    ("can I work from home in customer service", lambda kb: [kb.facts("remote_work")[0].title]),
    ("can i get a work visa abroad with cs experience", lambda kb: [kb.facts("visas")[0].title]),
    ("which companies are the best employers for customer service reps",
     lambda kb: [kb.facts("employers")[0].title]),
    ("what software do agents use", lambda kb: [kb.facts("tools")[0].title]),
    ("any tips for my interview", lambda kb: [kb.facts("application_tips")[0].title]),
    ("what is AHT", lambda kb: [kb.fact("metrics", "average_handle_time").text]),
    ("what industries hire the most customer service people",
     lambda kb: [kb.facts("industries")[0].title]),
    ("what specialisations are there in customer service",
     lambda kb: [kb.facts("specializations")[1].title]),
]


@pytest.mark.parametrize("question, expected", QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_questions_get_the_knowledge_bases_figures(bot, kb, question, expected):
    ask = bot[0]
    answer = ask(person(), question)
    for fragment in expected(kb):
        assert fragment in answer, f"{question!r} -> {answer!r}"
    if any(ch.isdigit() for ch in "".join(expected(kb))):
        assert "Source" in answer


def test_follow_ups_keep_the_topic_and_change_the_subject(bot, kb):
    ask, me = bot[0], person()
    assert usd(kb.role("team_lead").median_usd) in ask(me, "what does a team lead make?")
    assert usd(kb.role("manager").median_usd) in ask(me, "and a manager?")
    assert band_text(kb, "western_europe") in ask(me, "how much in Germany?")
    assert band_text(kb, "japan") in ask(me, "what about in Japan?")


@pytest.mark.parametrize("message", [
    "", "   ", "a" * 20_000, "🙂🙂🙂", "\x00\x07\x1b[31m", "'; DROP TABLE kb_roles; --",
    "<script>alert('x')</script>", "je voudrais changer de carrière", "you stupid bot",
])
def test_bad_input_gets_a_reply_and_the_conversation_goes_on(bot, kb, message):
    ask, me = bot[0], person()
    assert ask(me, message).strip(), f"no reply to {message[:30]!r}"
    follow_on = ask(me, "what does a customer service manager make?")
    assert usd(kb.role("manager").median_usd) in follow_on


def test_a_dead_action_server_gets_a_kind_reply_and_the_bot_recovers(bot, kb):
    ask, env, logs, servers = bot
    servers["actions"].stop()
    reply = ask(person(), "what does a team lead make?")
    assert "something went wrong on my side" in reply
    servers["actions"], _ = start_actions(env, logs, port=servers["actions_port"])
    assert usd(kb.role("team_lead").median_usd) in ask(person(), "what does a team lead make?")


def test_messages_are_encoded_in_the_encoder_process(bot):
    # the Rasa server starts rasa_ext/encoder_process.py beside it and leaves encoding to it;
    # encoding in the server would also answer, so look at where the work is done
    import psutil

    ask, _, _, servers = bot
    assert ask(person(), "hello")
    rasa = psutil.Process(servers["rasa"].process.pid)
    encoders = [p for p in rasa.children(recursive=True)
                if "rasa_ext.encoder_process" in " ".join(p.cmdline())]
    assert len(encoders) == 1
    before = sum(encoders[0].cpu_times()[:2])
    for n in range(20):  # new texts: none of them is in a cache
        assert ask(person(), f"what do support engineers do all day, part {n} of my question")
    assert sum(encoders[0].cpu_times()[:2]) - before > 0.05  # ~5-10 ms per message
