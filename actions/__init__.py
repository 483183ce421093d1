"""Career Coach's custom actions (rasa_sdk action server): one module per capability.

Actions hold no facts and no SQL: they ask the knowledge base's read API
(`knowledge.repository.CareerKnowledge`) and fill the response templates of domain.yml.
"""
