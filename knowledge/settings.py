"""Where things live. Defaults are embedded; production overrides come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"
VAR_DIR = Path(os.environ.get("CAREER_COACH_VAR", PROJECT_ROOT / "var"))


def database_url() -> str:
    """The knowledge base's database: DATABASE_URL, else a SQLite file under var/."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'knowledge.db'}"


def seeds_dir() -> Path:
    """The source documents: SEEDS_DIR, else ../shared/seeds beside the project."""
    return Path(os.environ.get("SEEDS_DIR", PROJECT_ROOT.parent / "shared" / "seeds"))


def real_messages_file() -> Path:
    """Messages people really wrote, for judging the bot end to end (benchmarks/real_eval):
    REAL_MESSAGES, else ../shared/real_messages/messages.tsv beside the project."""
    return Path(os.environ.get("REAL_MESSAGES", PROJECT_ROOT.parent / "shared" / "real_messages"
                               / "messages.tsv"))


def nlp_dir() -> Path:
    """Where the build writes the spaCy entity pipeline (Rasa's SpacyNLP loads it from here)."""
    return Path(os.environ.get("KNOWLEDGE_NLP_DIR", VAR_DIR / "nlp"))
