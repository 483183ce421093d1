"""The personal transition plan: a profile in, ordered steps out, built from the knowledge base
and kept per conversation (sender id). Independent of Rasa: the actions call into it.

    profile.py     Profile (what the person told us) and the priority vocabulary
    builder.py     suggest_careers(profile, kb), build_plan(profile, kb) -> Plan
    store.py       PlanStore(database_url): save, load, next/back/skip/mark_done/restart, delete
    export.py      to_markdown(plan or saved plan)
    wording.yml    every fixed sentence of a plan; the facts come from the knowledge base
    content.yml    what a plan is made of: the priorities, the entries each step draws on
    forgetting.py  "forget me": the marker and the conversation's deletion, shared with ops
"""
