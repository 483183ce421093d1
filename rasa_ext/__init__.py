"""Extensions the Rasa server loads: the knowledge-base entity extractor (config.yml) and the kind
reply when the action server cannot be reached."""
