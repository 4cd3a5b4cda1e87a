"""Pure domain: tickets, windows, numbering, routing, ratings, events.

Imports nothing from Flask, SQLAlchemy, pyserial or vlc (tests/unit/test_domain_purity.py).
"""
