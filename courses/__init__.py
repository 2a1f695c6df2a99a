"""Course content for the training platform, as plain Python.

This package knows how courses are written (``content/``), how they are checked, rendered and
graded, and how far a trainee has come. It never imports Flask, SQLAlchemy or ``training``: the web
app feeds it data and stores what it returns, so everything here is tested without an app.
"""
