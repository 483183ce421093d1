"""Career Coach's channels besides Rasa's stock ones: fixed REST, Slack and Telegram connectors,
the credentials generator (``python -m channels.credentials``) and the website page server
(``python -m channels.webpage``)."""
