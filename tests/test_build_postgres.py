"""The build on PostgreSQL (DATABASE_URL in production) gives the same knowledge base as on
SQLite. Needs the server named by TEST_POSTGRES_URL; skipped with a message when it is absent,
except on CI, where it must be there."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from knowledge.build import build
from knowledge.repository import CareerKnowledge

pytestmark = pytest.mark.postgres


def test_the_build_on_postgresql_matches_sqlite(pg_url, kb, tmp_path):
    build(pg_url, write_nlp=False, log=lambda *_: None)
    on_pg = CareerKnowledge.load(pg_url)
    assert on_pg.counts() == kb.counts()
    assert on_pg.ladder() == kb.ladder()
    assert on_pg.pay_figures() == kb.pay_figures()
    assert on_pg.regions() == kb.regions()
    assert on_pg.careers() == kb.careers() and on_pg.skills() == kb.skills()
    for kind in kb.kinds():
        assert on_pg.facts(kind) == kb.facts(kind)


def test_a_rebuild_replaces_the_knowledge_base_and_keeps_other_tables(pg_url):
    engine = create_engine(pg_url, future=True)
    with engine.begin() as conn:  # stands for user data (plans), which a rebuild must not touch
        conn.execute(text("CREATE TABLE user_notes (sender_id text, note text)"))
        conn.execute(text("INSERT INTO user_notes VALUES ('alice', 'keep me')"))
    build(pg_url, write_nlp=False, log=lambda *_: None)
    build(pg_url, write_nlp=False, log=lambda *_: None)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT note FROM user_notes")).scalar_one() == "keep me"
        assert conn.execute(text("SELECT count(*) FROM kb_roles")).scalar_one() == 7
    engine.dispose()
