"""Learning time as trainees see it: "about N minutes" per module (module and course pages) and
per course (catalogue and course page), from the estimates in ``courses.model``."""

from __future__ import annotations

import pytest

from tests.helpers import make_user, sign_in, text_of
from tests.training.learning.quiz_course import MODULES, serve
from training.dates import about_minutes, duration
from training.models import Role

#: 20,000 words: 100 minutes at 200 words a minute
LONG = "# Setting limits\n\n" + "A limit protects both people. " * 4000


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "about 1 minute"),
        (1, "about 1 minute"),
        (7, "about 7 minutes"),
        (59, "about 59 minutes"),
        (60, "about 1 hour"),
        (62, "about 1 hour"),
        (100, "about 1 hour 40 minutes"),
        (109, "about 1 hour 50 minutes"),
        (187, "about 3 hours 5 minutes"),
    ],
)
def test_estimates_read_as_people_say_them(minutes, words):
    assert about_minutes(minutes) == words


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1440, "1 day"), (90, "1 hour 30 minutes"), (45, "45 minutes"), (1, "1 minute")],
)
def test_waits_read_exactly(minutes, words):
    assert duration(minutes) == words


@pytest.mark.parametrize("role", list(Role))
def test_every_page_shows_the_learning_time(app, client, tmp_path, role):
    serve(app, tmp_path, modules={**MODULES, "limits": LONG})
    sign_in(client, make_user(role))
    # 1 minute of reading + 100 minutes of reading + the quiz's 8 minutes = 109 minutes
    catalogue = text_of(client.get("/learn/"))
    assert "2 modules · learning time about 1 hour 50 minutes · 0.5 training hours" in catalogue
    course = text_of(client.get("/learn/care/"))
    assert (
        "Self-paced course. Learning time: about 1 hour 50 minutes (reading and the quiz)."
        in course
    )
    assert "Naming feelings · about 1 minute" in course
    assert "Setting limits · about 1 hour 40 minutes" in course
    assert "6 questions, about 8 minutes." in course
    assert "Learning time: about 1 hour 40 minutes" in text_of(client.get("/learn/care/limits"))
    assert "Learning time: about 1 minute" in text_of(client.get("/learn/care/feelings"))
