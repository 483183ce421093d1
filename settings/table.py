"""The table: every environment variable Career Coach reads, or hands to what it runs.

Each row says how the variable's text is read and checked (``settings/parsers.py``), its
default, who reads it (``USERS``) and what it does. docs/configuration.md is this table
(``python -m settings --docs`` writes it; tests/test_settings.py checks that they agree).
A variable no Python code reads (scripts, deploy/docker-compose.yml, Rasa's own) is here too,
so that it is documented and ``python -m settings --check`` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from settings.parsers import (
    Bool,
    Check,
    DatabaseUrl,
    FilePath,
    Int,
    Parser,
    Pattern,
    Port,
    RedisUrl,
    Text,
    TrackerStoreUrl,
    Url,
    Word,
    Words,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Who reads a variable. "rasa" includes `python -m channels.credentials` and
# `python -m ops.endpoints`, which write the Rasa server's files from the environment before it
# starts (scripts/run.sh, deploy/entrypoint.sh).
USERS = {
    "rasa": "Rasa server",
    "actions": "action server",
    "web": "chat page server",
    "kb": "`make kb`",
    "forget": "`make forget`",
    "launch": "the launcher (`make run`, deploy/: ops/launch.py)",
    "run.sh": "scripts/run.sh",
    "compose": "deploy/docker-compose.yml",
    "make": "Makefile",
    "install": "scripts/find-python310.sh",
    "bench": "benchmarks",
    "tests": "tests",
}


@dataclass(frozen=True)
class Setting:
    """One environment variable. ``default`` is the value when it is unset or empty (None: no
    value, or one an accessor works out, which ``shown_default`` then describes)."""

    name: str
    parse: Parser
    default: Any
    used_by: tuple[str, ...]
    description: str
    shown_default: str | None = None
    secret: bool = False  # never shown in an error

    def __post_init__(self) -> None:
        unknown = [user for user in self.used_by if user not in USERS]
        if unknown or not self.used_by:
            raise ValueError(f"{self.name}: used_by must name some of {sorted(USERS)}")

    def default_text(self) -> str:
        """The default as docs/configuration.md shows it."""
        if self.shown_default is not None:
            return self.shown_default
        if self.default is None:
            return "unset"
        return f"`{self.parse.show(self.default)}`"

    def users_text(self) -> str:
        return ", ".join(USERS[user] for user in self.used_by)


# Telegram's rule for setWebhook's secret_token (channels/telegram.py checks it too)
TELEGRAM_SECRET_PATTERN = r"^[A-Za-z0-9_-]{1,256}$"

PYTHON_SERVERS = ("rasa", "actions", "web", "kb", "forget", "bench")
SECONDS = Int(1, unit="seconds")
HOST = Pattern(r"[A-Za-z0-9._:%\[\]-]+", "a host name or an IP address")
PASSWORD = Text()

SETTINGS: tuple[Setting, ...] = (
    # --- where things live ---
    Setting("CAREER_COACH_VAR", FilePath(), PROJECT_ROOT / "var", PYTHON_SERVERS,
            "the folder of what is built or made at run time: the SQLite knowledge base and "
            "plans, the entity pipeline, the website's session secret",
            shown_default="`var/` in the project"),
    Setting("KNOWLEDGE_NLP_DIR", FilePath(), None, ("kb", "rasa", "bench"),
            "where `make kb` writes the entity pipeline and the search index, and where the "
            "Rasa server loads them from",
            shown_default="`nlp/` under `CAREER_COACH_VAR`"),
    Setting("SEEDS_DIR", FilePath(), PROJECT_ROOT.parent / "shared" / "seeds", ("kb", "tests"),
            "the source documents the build checks every figure against",
            shown_default="`../shared/seeds` beside the project"),
    Setting("REAL_MESSAGES", FilePath(),
            PROJECT_ROOT.parent / "shared" / "real_messages" / "messages.tsv",
            ("bench", "tests"), "the messages people really wrote that `make real-eval` sends",
            shown_default="`../shared/real_messages/messages.tsv` beside the project"),
    # --- databases ---
    Setting("DATABASE_URL", DatabaseUrl(), None, ("kb", "actions", "web", "forget", "bench"),
            "the knowledge base (tables `kb_*`) and the plans (tables `plan_*`), e.g. "
            "`postgresql://user:secret@db:5432/careercoach`",
            shown_default="`sqlite:///var/knowledge.db`; plans: `sqlite:///var/plans.db`"),
    Setting("TRACKER_STORE_URL", TrackerStoreUrl(), None, ("rasa", "actions", "forget"),
            "the conversations: Rasa's SQL tracker store on this database (`postgresql://...`, "
            "or `sqlite:///file.db` for one process); the action server and `make forget` "
            "delete a conversation there on request",
            shown_default="unset: in memory (one process)"),
    Setting("DB_CONNECT_TIMEOUT", SECONDS, 5, ("rasa", "actions", "web", "kb", "forget"),
            "seconds PostgreSQL gets to accept a connection, before the person gets a kind "
            "\"try again\""),
    Setting("DB_STATEMENT_TIMEOUT", SECONDS, 10, ("rasa", "actions", "web", "kb", "forget"),
            "seconds PostgreSQL gets to run a statement, before the person gets a kind "
            "\"try again\""),
    Setting("POSTGRESQL_SCHEMA", Word(), None, ("rasa",),
            "Rasa's own: the PostgreSQL schema of the tracker store's table (it must exist)"),
    Setting("SQL_POOL_SIZE", Int(0), 50, ("rasa",),
            "Rasa's own: connections the tracker store keeps open, per Rasa server"),
    Setting("SQL_MAX_OVERFLOW", Int(-1), 100, ("rasa",),
            "Rasa's own: connections the tracker store may open beyond `SQL_POOL_SIZE` "
            "(-1: no limit)"),
    # --- Redis and locks ---
    Setting("REDIS_URL", RedisUrl(), None, ("rasa", "forget"),
            "Rasa's Redis lock store, so that several Rasa servers take one conversation's "
            "messages in turn, and the Slack and Telegram deliveries already answered; e.g. "
            "`redis://:password@redis:6379/1` (`rediss://` for TLS)",
            shown_default="unset: in memory (one process)"),
    Setting("REDIS_KEY_PREFIX", Check(str.isalnum, "letters and digits only (Rasa's rule)"),
            None, ("rasa", "forget"),
            "keeps several bots apart on one Redis database"),
    Setting("TICKET_LOCK_LIFETIME", Int(0, unit="seconds"), 10, ("rasa",),
            "Rasa's own, with our default: seconds a conversation's lock lasts unless its "
            "server extends it, i.e. how long a dead server's conversations stay locked (0: "
            "the default)"),
    # --- the servers ---
    Setting("RASA_PORT", Port(), 5005, ("launch", "make", "web"),
            "the Rasa server's port (REST webhook, socket.io); the chat page connects to it"),
    Setting("RASA_HOST", HOST, "127.0.0.1", ("launch",),
            "the interface the Rasa server listens on (`0.0.0.0`: every interface)"),
    Setting("ACTIONS_PORT", Port(), 5055, ("launch", "make", "rasa"), "the action server's port"),
    Setting("ACTIONS_HOST", HOST, "127.0.0.1", ("launch", "rasa"),
            "the interface the action server listens on; keep it on localhost (its error "
            "replies echo the whole conversation)"),
    Setting("ACTIONS_URL", Url(example="http://actions:5055/webhook"), None, ("rasa",),
            "where the Rasa server finds the action servers (with several, the load "
            "balancer's internal port)",
            shown_default="`http://ACTIONS_HOST:ACTIONS_PORT/webhook`"),
    Setting("RASA_API_TOKEN", Text(), None, ("launch",),
            "when set, Rasa's HTTP API is on and needs this token; off without it",
            shown_default="unset: API off", secret=True),
    Setting("REST_TOKEN", Text(), None, ("rasa", "launch"),
            "when set, the REST webhook needs `Authorization: Bearer <REST_TOKEN>`",
            shown_default="unset: REST open", secret=True),
    Setting("SESSION_SECRET", Text(), None, ("rasa",),
            "signs the website's session ids; the same on every Rasa server when running "
            "several", shown_default="made once in `var/session.secret`", secret=True),
    Setting("VENV", FilePath(), Path(".venv"), ("run.sh", "make"),
            "the virtual environment the servers run from"),
    Setting("PYTHON", FilePath(), None, ("install",),
            "the Python 3.10 interpreter `.venv` is made with",
            shown_default="found automatically"),
    # --- the website ---
    Setting("WEB_PORT", Port(), 8080, ("web", "rasa", "launch"),
            "the chat page's port; the socket.io channel accepts the page from it"),
    Setting("WEB_HOST", HOST, "127.0.0.1", ("web", "launch"),
            "the interface the chat page server listens on"),
    Setting("WEB_ORIGINS", Words(), None, ("rasa",),
            "the web pages (origins, separated by commas or spaces) allowed to use the "
            "socket.io channel; `*` for any",
            shown_default="`http://localhost:WEB_PORT`, `http://127.0.0.1:WEB_PORT`"),
    Setting("WEB_SOCKET_URL", Url(example="https://chat.example.org"), None, ("web",),
            "where the page finds the Rasa server, e.g. behind a proxy",
            shown_default="the page's host name at `RASA_PORT`"),
    Setting("PLAN_LINK_TTL", SECONDS, 3600, ("actions",),
            "seconds a plan's download link works"),
    # --- understanding ---
    Setting("SENTENCE_CACHE_SIZE", Int(0), 4096, ("rasa",),
            "sentence vectors of messages seen before that the Rasa server keeps, so that they "
            "are not encoded again (0: none)"),
    Setting("SENTENCE_CACHE_BYTES", Int(0), 64 * 1024 * 1024, ("rasa",),
            "the most the sentence cache may hold (each text's UTF-8 bytes and its vector's; "
            "64 MiB); the oldest go first (0: none)"),
    Setting("SENTENCE_ENCODER_PROCESS", Bool(), True, ("rasa",),
            "`0` (or false): encode messages inside the Rasa server instead of in the encoder "
            "process beside it"),
    # --- Slack (on with SLACK_TOKEN and SLACK_SIGNING_SECRET) ---
    Setting("SLACK_TOKEN", Text(), None, ("rasa",),
            "the Bot User OAuth Token, `xoxb-...`; Slack is on with it and "
            "`SLACK_SIGNING_SECRET`", secret=True),
    Setting("SLACK_SIGNING_SECRET", Text(), None, ("rasa",),
            "the Slack app's signing secret", secret=True),
    Setting("SLACK_CHANNEL", Word(), None, ("rasa",),
            "a channel ID (`C...`) where the bot answers every message, not only @-mentions"),
    Setting("SLACK_USE_THREADS", Bool(), False, ("rasa",),
            "true: answer in a thread under the message"),
    Setting("SLACK_API_URL", Url(), None, ("rasa",),
            "Slack's Web API (the tests point it at a local stub)",
            shown_default="`https://slack.com/api/`"),
    # --- Telegram (on with its four variables) ---
    Setting("TELEGRAM_TOKEN", Pattern(r"\d+:[\w-]+", "a bot token from @BotFather (digits, a "
                                      "colon, then letters)"), None, ("rasa",),
            "the bot's token; Telegram is on with it, `TELEGRAM_VERIFY`, "
            "`TELEGRAM_WEBHOOK_URL` and `TELEGRAM_SECRET_TOKEN`", secret=True),
    Setting("TELEGRAM_VERIFY", Word(), None, ("rasa",),
            "the bot's username; updates for another bot are ignored"),
    Setting("TELEGRAM_WEBHOOK_URL",
            Url(("https",), expected="an https:// URL Telegram can reach, ending in "
                                     "/webhooks/telegram/webhook"), None, ("rasa", "launch"),
            "the public HTTPS URL of `/webhooks/telegram/webhook`"),
    Setting("TELEGRAM_SECRET_TOKEN", Pattern(TELEGRAM_SECRET_PATTERN,
                                             "1-256 characters from A-Z, a-z, 0-9, _ and -"),
            None, ("rasa",),
            "registered with the webhook and required on every update (Telegram signs "
            "nothing else)", secret=True),
    Setting("TELEGRAM_API_URL", Url(), None, ("rasa",),
            "the Bot API server (the tests point it at a local stub)",
            shown_default="`https://api.telegram.org`"),
    # --- deployment (deploy/docker-compose.yml) ---
    Setting("PUBLIC_URL", Url(), "http://localhost:8000", ("compose",),
            "the site's public address: the origin allowed to use socket.io and where the "
            "page finds it"),
    Setting("NGINX_PORT", Port(), 8000, ("compose",), "the port nginx publishes"),
    Setting("POSTGRES_PASSWORD", PASSWORD, None, ("compose",),
            "the PostgreSQL superuser's password", shown_default="required", secret=True),
    Setting("KB_DB_PASSWORD", PASSWORD, None, ("compose",),
            "the password of the database user `kb` (loads the knowledge base)",
            shown_default="required", secret=True),
    Setting("RASA_DB_PASSWORD", PASSWORD, None, ("compose",),
            "the password of the database user `rasa` (the conversations)",
            shown_default="required", secret=True),
    Setting("ACTIONS_DB_PASSWORD", PASSWORD, None, ("compose",),
            "the password of the database user `actions` (knowledge base, plans, deleting a "
            "conversation)", shown_default="required", secret=True),
    Setting("WEB_DB_PASSWORD", PASSWORD, None, ("compose",),
            "the password of the database user `web` (plan downloads)",
            shown_default="required", secret=True),
    Setting("REDIS_PASSWORD", PASSWORD, None, ("compose",),
            "Redis's password", shown_default="required", secret=True),
    # --- development and tests ---
    Setting("TF_CPP_MIN_LOG_LEVEL", Int(0, 3), 2, ("make",),
            "TensorFlow's own: how much it logs at start (3: errors only)"),
    Setting("TMPDIR", FilePath(), Path("/tmp"), ("bench",),
            "where `make bench BENCH_ARGS=--retrain` trains ours"),
    Setting("CHROMIUM", FilePath(), Path("/usr/bin/chromium"), ("make", "tests"),
            "the Chromium the browser tests drive"),
    Setting("NGINX", FilePath(), Path("/usr/sbin/nginx"), ("make", "tests"),
            "the nginx the scale and fault tests run"),
    Setting("TEST_POSTGRES_URL", DatabaseUrl(), "postgresql://postgres@127.0.0.1:5432/test",
            ("tests",),
            "the server the PostgreSQL tests make a throw-away database on (skipped when "
            "unreachable, except on CI)"),
    Setting("TEST_REDIS_URL", RedisUrl(), "redis://127.0.0.1:6379/0", ("tests",),
            "the Redis the lock store and scale tests use"),
    Setting("CI", Text(), None, ("tests",),
            "set (to anything): tests fail instead of skipping when what they need is missing"),
)
