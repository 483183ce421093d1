"""Career Coach's knowledge base: the facts of the four source documents, with their sources.

- `knowledge/data/*.yml` holds the facts (SCHEMA.md there says how);
- `knowledge.build` validates them and loads them into a database;
- `knowledge.repository.CareerKnowledge` is the read API the actions use;
- `knowledge.entities` is the spaCy pipeline that turns what people type into canonical ids.
"""
