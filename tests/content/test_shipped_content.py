"""The shipped content passes the check, renders, and every quiz passes with its own key."""

from pathlib import Path

import pytest

from courses.loader import load_library
from courses.quiz import draw_questions, grade

CONTENT = Path(__file__).resolve().parents[2] / "content"
LIBRARY = load_library(CONTENT)


def test_shipped_content_has_no_problems():
    assert LIBRARY.problems == ()
    assert LIBRARY.courses


@pytest.mark.parametrize("course", LIBRARY.courses, ids=lambda c: c.id)
def test_every_module_renders(course):
    from courses.rendering import render_markdown

    for module in course.modules:
        html = render_markdown(module.markdown)
        assert "<h2" in html and "<p>" in html, module.id


@pytest.mark.parametrize("course", LIBRARY.courses, ids=lambda c: c.id)
def test_every_quiz_passes_with_its_answer_key(course):
    for seed in range(5):
        ids = draw_questions(course.quiz, seed)
        key = {qid: sorted(course.quiz.question(qid).answer) for qid in ids}
        result = grade(course.quiz, ids, key)
        assert result.passed and result.percent == 100.0


@pytest.mark.parametrize("course", LIBRARY.courses, ids=lambda c: c.id)
def test_every_question_explains_itself_and_every_module_is_quizzed(course):
    for q in course.quiz.questions:
        assert q.explanation and q.module_id, q.id
    assert {q.module_id for q in course.quiz.questions} == {m.id for m in course.modules}


def test_the_glossary_loads_and_every_term_is_reached_from_a_module():
    from courses.glossary import glossary_problems, load_glossary

    glossary = load_glossary(CONTENT)
    assert glossary.problems == ()
    assert len(glossary.terms) >= 60
    texts = [m.markdown for c in LIBRARY.courses for m in c.modules]
    assert glossary_problems(glossary, texts, CONTENT) == []
    for term in glossary.terms:
        assert 10 <= len(term.definition.split()) <= 80, term.term
