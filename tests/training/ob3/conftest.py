"""Fixtures the portable-credential tests share (their plain helpers are in
``credential_support``)."""

from __future__ import annotations

import pytest

from tests.training.ob3.credential_support import people_on_a_small_track


@pytest.fixture
def people(app, tmp_path):
    """(lead, supervisor, trainee) on a small track in ``tmp_path``, the trainee eligible."""
    return people_on_a_small_track(app, tmp_path)
