"""Fixtures for the mail tests: ``smtp``, a real SMTP server the app sends through."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.smtp_server import SMTPServer


@pytest.fixture
def smtp(app: Flask) -> Iterator[SMTPServer]:
    """A real SMTP server on a free port (``tests/smtp_server.py``), which the app sends
    through: ``smtp.messages`` is what it received."""
    with SMTPServer() as server:
        app.config.update(server.settings())
        yield server
