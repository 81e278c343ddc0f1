"""Persistence: what the skill remembers of each person, on SQLite or PostgreSQL.

Called by the Alexa layer through the ASK SDK's persistence seam; never by the Coach.
"""
