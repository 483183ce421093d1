"""Deleting a person's data: their plan and their conversation.

In the conversation, "forget me" (then "yes") runs ``action_plan_delete``: it deletes the plan and
returns ``forget_event()``, which the Rasa server's tracker store (``rasa_ext.tracker_store``)
turns into the deletion of the whole conversation once the turn is over.

For an administrator, by the conversation's sender id (the REST ``sender``, the website's session
id, the Slack or Telegram user):

    python -m ops.forget SENDER_ID        (make forget SENDER=...)

deletes the plan (DATABASE_URL, else var/plans.db) and the conversation in Rasa's SQL tracker store
(TRACKER_STORE_URL), and prints what it deleted. With REDIS_URL it first takes the conversation's
lock in Rasa's lock store, so a turn being processed finishes before the deletion and is not
written back after it. With the in-memory tracker store (no TRACKER_STORE_URL) the conversation
lives in the Rasa server's memory only and goes when the server stops.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import settings

# defined with the plans, so that neither server needs anything of ops
from plans.forgetting import delete_conversation


@dataclass(frozen=True)
class Forgotten:
    sender_id: str
    plan: bool
    events: int | None  # None: the conversation is not in a database we can reach

    def report(self) -> str:
        plan = "deleted its plan" if self.plan else "no plan was saved"
        if self.events is None:
            conversation = ("the conversation is in the Rasa server's memory only (no "
                            "TRACKER_STORE_URL): it goes when the server stops")
        elif self.events:
            conversation = f"deleted the conversation ({self.events} events)"
        else:
            conversation = "no conversation was stored"
        return f"{self.sender_id}: {plan}; {conversation}"


def _delete(sender_id: str, env: Mapping[str, str]) -> Forgotten:
    from plans.store import PlanStore

    store = PlanStore(settings.get("DATABASE_URL", env))
    try:
        store.create_all()
        plan = store.delete(sender_id)
    finally:
        store.dispose()
    return Forgotten(sender_id, plan, delete_conversation(sender_id, env))


async def _delete_in_lock(sender_id: str, env: Mapping[str, str]) -> Forgotten:
    from ops.endpoints import lock_store
    from rasa_ext.lock_store import RedisLockStore

    config = lock_store(env)
    if config is None:
        return _delete(sender_id, env)
    kwargs = {k: v for k, v in config.items() if k not in ("type", "url")}
    locks = RedisLockStore(host=config["url"], **kwargs)
    async with locks.lock(sender_id):
        return _delete(sender_id, env)


def forget(sender_id: str, env: Mapping[str, str] | None = None) -> Forgotten:
    """Deletes the plan and the stored conversation of ``sender_id``."""
    return asyncio.run(_delete_in_lock(sender_id, settings.environ() if env is None else env))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Delete a person's plan and conversation by their sender id.")
    parser.add_argument("sender_id", help="the conversation's sender id")
    args = parser.parse_args(argv)
    if not args.sender_id.strip():
        parser.error("the sender id is empty")
    try:
        result = forget(args.sender_id)
    except Exception as error:  # a database or Redis that cannot be reached: say which
        print(f"error: nothing or not everything was deleted: {error}", file=sys.stderr)
        return 1
    print(result.report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
