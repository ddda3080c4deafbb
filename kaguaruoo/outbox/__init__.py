"""The site's one durable mail outbox: a row per message, claimed, sent and recorded.

See `services.py` for the life of a row and `kinds.py` for how an app says what a
row of its kind becomes at the moment it goes out.
"""
