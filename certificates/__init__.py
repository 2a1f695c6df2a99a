"""Certification for the training platform, as plain Python.

Track rules and the eligibility checklist, certificate codes, signing and PDF rendering live here
(issue 5). Like ``courses``, this package never imports Flask, SQLAlchemy or ``training``.
"""
