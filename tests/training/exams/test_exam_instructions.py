"""The final exam draws the shipped quiz questions, whose multiple-answer prompts end with
"Select all that apply.": each question says it once, under the question's words."""

from __future__ import annotations

import re

from tests.helpers import html_of, use_track
from tests.training.exams.conftest import client_of, final_exam, start


def test_each_exam_question_says_select_all_that_apply_once(app, people):
    # many questions, so some with several right answers are almost surely drawn
    use_track(app, exam=final_exam(blueprint={"advocacy": 10, "ethical_responsibility": 10}))
    client = client_of(app, people["trainee"])
    html = html_of(client.get(start(client)))
    questions = re.findall(r'<fieldset class="question.*?</fieldset>', html, re.S)
    assert len(questions) == 20
    for question in questions:
        several = 'type="checkbox"' in question
        assert question.count("Select all that apply") == (1 if several else 0), question
