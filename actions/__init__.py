"""Career Coach's custom actions (rasa_sdk action server): one module per capability.

Actions hold no facts, no SQL and no wording: they ask the knowledge base's read API
(`knowledge.repository.CareerKnowledge`) and fill the response templates of domain.yml, with
the button titles and short phrases of actions/wording.yml (actions/replies.py).
"""
