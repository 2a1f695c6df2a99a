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


# --- the certification tracks -----------------------------------------------------------------

TRACK_TEXTS = sorted((CONTENT / "tracks").glob("*.md"))


def test_both_tracks_load_and_their_hours_can_be_reached_with_the_shipped_courses():
    from certificates.track_check import track_problems
    from certificates.tracks import load_tracks

    tracks = load_tracks(CONTENT)
    assert tracks.problems == ()
    assert [t.id for t in tracks.tracks] == ["peer-recovery", "recovery-coach"]
    assert track_problems(tracks, LIBRARY) == []


@pytest.fixture(scope="module")
def grade_level(tmp_path_factory):
    from tests.content.readability import offline_flesch_kincaid

    return offline_flesch_kincaid(tmp_path_factory.mktemp("nltk_data"))


@pytest.mark.parametrize("path", TRACK_TEXTS, ids=lambda p: p.name)
def test_every_text_a_trainee_signs_reads_between_grades_six_and_nine(path, grade_level):
    from courses.course_table import HIGHEST_GRADE, LOWEST_GRADE
    from tests.content.readability import module_text

    grade = grade_level(module_text(path.read_text(encoding="utf-8")))
    assert LOWEST_GRADE <= grade <= HIGHEST_GRADE, grade


def test_track_texts_are_person_first_and_not_stigmatising():
    import re
    import tomllib

    from tests.content.test_curriculum import STIGMATISING

    texts = [p.read_text(encoding="utf-8") for p in TRACK_TEXTS]
    texts += [p.read_text(encoding="utf-8") for p in (CONTENT / "tracks").glob("*.toml")]
    for path in (CONTENT / "tracks").glob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))  # and each is valid TOML
    found = [p for p in STIGMATISING for text in texts if re.search(p, text, re.I)]
    assert found == []


def test_the_lived_experience_statement_respects_every_pathway_and_asks_no_details():
    text = (CONTENT / "tracks" / "recovery-coach-lived-experience.md").read_text().lower()
    for pathway in ("methadone", "buprenorphine", "harm reduction", "faith", "mutual-help"):
        assert pathway in text, pathway
    assert "or none of these" in text and "in my own terms" in text
    assert "not measured by a number of days" in text
    assert "does not ask for any details" in text
    assert "abstinen" not in text and "sober" not in text
    assert "for me, it is" not in text  # recovery is not defined on the signer's behalf
    assert "i can say no and tell my program lead" in " ".join(text.split())


def test_the_job_description_names_the_role_its_limits_and_supervision():
    text = (CONTENT / "tracks" / "recovery-coach-job-description.md").read_text()
    for heading in ("**What I do**", "**What is outside my role**", "**How I am supervised**"):
        assert heading in text
    assert "I do not diagnose" in text and "20 hours" in text
    flat = " ".join(text.split())
    assert "If a life is in danger, I call 911 first" in flat
    assert "give naloxone" in flat and "988" in flat
    assert "mandated reporter" in flat and "never change or backdate a note" in flat
    assert "never promise to keep a secret about safety" in flat
