"""A quiz says what to do once per question ("Select all that apply." for a question with
several right answers, "Choose one answer." or "True or false?" otherwise), also when the
question's own words end with the instruction, as most shipped multiple-answer prompts do."""

from __future__ import annotations

import re

from tests.helpers import html_of, make_user, post, sign_in, write_course
from training.content import ContentStore


def fieldsets(html: str) -> list[str]:
    return re.findall(r'<fieldset class="question[^"]*".*?</fieldset>', html, re.S)


def test_each_question_says_what_to_do_once(app, client, tmp_path):
    quiz = write_course(tmp_path) / "quiz.toml"
    words = quiz.read_text().replace('"Pick a and c."', '"Pick a and c. Select all that apply."')
    quiz.write_text(words)
    app.extensions["content"] = ContentStore(tmp_path)
    sign_in(client, make_user())
    attempt = post(client, "/learn/basics/quiz/start").headers["Location"]
    questions = fieldsets(html_of(client.get(attempt)))
    single, multiple, true_false = (
        next(q for q in questions if words in q) for words in ("Pick b.", "Pick a", "True?")
    )
    assert multiple.count("Select all that apply.") == 1
    instruction = '<span class="q-instruction">Select all that apply.</span>'
    assert f"Pick a and c. {instruction}</legend>" in multiple
    assert single.count("Choose one answer.") == 1 and "Select all" not in single
    assert true_false.count("True or false?") == 1
