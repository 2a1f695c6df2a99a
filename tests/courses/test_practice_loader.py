"""practice.toml: exercises load into their modules, and each kind of mistake names its line."""

import pytest

from courses.loader import load_library
from tests.courses.quizzes import exercise, line_of
from tests.helpers import write_course


def write_practice(tmp_path, text):
    folder = write_course(tmp_path)
    (folder / "practice.toml").write_text(text)
    return folder


def test_exercises_load_into_their_modules_in_written_order(tmp_path):
    text = exercise("one", "second", 15) + exercise("two", "first", 10) + exercise("three")
    write_practice(tmp_path, text)
    library = load_library(tmp_path)
    assert library.problems == ()
    (course,) = library.courses
    first, second = course.modules
    assert [e.id for e in first.exercises] == ["two", "three"]
    assert [e.id for e in second.exercises] == ["one"]
    assert [e.id for e in course.exercises] == ["two", "three", "one"]
    one = course.exercise("one")
    assert (one.module_id, one.title, one.minutes) == ("second", "Reflect what Dana feels", 15)
    assert one.prompt == "Write what you would say to Dana next."
    assert one.scenario.startswith("Dana, two months into recovery")
    assert one.criteria == (
        "Names a feeling Dana expressed or implied",
        "Gives no advice or solution",
    )
    assert one.line == line_of(text, 'id = "one"')
    assert first.learning_minutes == first.reading_minutes + 25
    assert course.exercise("nowhere") is None


def test_a_course_without_practice_has_no_exercises(tmp_path):
    write_course(tmp_path)
    (course,) = load_library(tmp_path).courses
    assert course.exercises == () and all(m.exercises == () for m in course.modules)


def test_the_course_version_changes_when_its_practice_changes(tmp_path):
    folder = write_practice(tmp_path, exercise())
    before = load_library(tmp_path).courses[0].version
    (folder / "practice.toml").write_text(exercise(minutes=20))
    assert load_library(tmp_path).courses[0].version != before


def test_a_broken_practice_file_keeps_the_course_off_the_site(tmp_path):
    write_practice(tmp_path, exercise(minutes=2))
    library = load_library(tmp_path)
    assert library.courses == ()
    assert len(library.problems) == 1


E = exercise()  # lines: 2 [[exercises]], 3 id, 4 module, 5 title, 6 minutes, 7 scenario ...


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('colour = "red"\n' + E, 'practice.toml:1: unknown field "colour"'),
        ("", "practice.toml has no exercises: add [[exercises]] blocks or delete the file"),
        ("exercises = [", "practice.toml: this is not valid TOML"),
        (
            E.replace('"reflect-dana"', '"Reflect_Dana"'),
            'practice.toml:3: exercise "Reflect_Dana" needs an id of lower-case letters, digits '
            "and hyphens",
        ),
        (E + E, 'practice.toml:17: exercise id "reflect-dana" is used twice'),
        (
            E.replace('title = "', 'level = 2\ntitle = "'),
            'practice.toml:5: exercise "reflect-dana": unknown field "level"',
        ),
        (
            E.replace('module = "first"\n', ""),
            'practice.toml:3: exercise "reflect-dana": give the module it belongs to',
        ),
        (
            exercise(module="nowhere"),
            'practice.toml:4: exercise "reflect-dana": module "nowhere" is not one of this '
            "course's modules",
        ),
        (
            exercise(minutes=4),
            'practice.toml:6: exercise "reflect-dana": minutes must be a whole number from 5 to 60',
        ),
        (exercise(minutes=61), "practice.toml:6: exercise"),
        (
            exercise(minutes=25),  # two criteria: at most 10 + 2 × 5 = 20 minutes
            'practice.toml:6: exercise "reflect-dana": 25 minutes is more than an exercise with '
            "2 criteria takes: at most 20",
        ),
        (E.replace("minutes = 15", 'minutes = "15"'), "practice.toml:6: exercise"),
        (
            E.replace('title = "Reflect what Dana feels"\n', ""),
            'practice.toml:3: exercise "reflect-dana": "title" is missing or empty',
        ),
        (
            E.replace('"Reflect what Dana feels"', '"""Reflect\nwhat Dana feels"""'),
            'practice.toml:5: exercise "reflect-dana": "title" must be one line',
        ),
        (
            E.replace("Reflect what Dana feels", "x" * 201),
            'practice.toml:5: exercise "reflect-dana": "title" is 201 characters long; keep it '
            "to 200",
        ),
        (
            E.replace("Write what you would say to Dana next.", "y" * 250),
            'practice.toml:10: exercise "reflect-dana": "prompt" is 250 characters long',
        ),
        (
            E.replace('scenario = """\nDana', 'scenario = """\n<b>ok</b> <script>x</script>\nDana'),
            'practice.toml:8: exercise "reflect-dana": scenario: raw HTML <script> is not allowed',
        ),
        (
            E.replace('scenario = """\nDana', 'scenario = """\n!!! danger "No"\n    Dana'),
            'practice.toml:8: exercise "reflect-dana": scenario: unknown callout kind "danger"',
        ),
        (
            E.replace('scenario = """\nDana', 'scenario = """Hi <span>x</span>\nDana'),
            'practice.toml:7: exercise "reflect-dana": scenario: raw HTML <span> is not allowed',
        ),
        (
            E.replace('scenario = """\nDana', 'scenario = """\n  \n"""\nx = """Dana'),
            'practice.toml:7: exercise "reflect-dana": "scenario" is missing or empty',
        ),
        (
            E.replace('  "Gives no advice or solution",\n', ""),
            'practice.toml:11: exercise "reflect-dana": criteria must list 2 to 6 points',
        ),
        (
            E.replace('  "Gives no advice or solution",\n', '  "More",\n' * 6),
            'practice.toml:11: exercise "reflect-dana": criteria must list 2 to 6 points',
        ),
        (E.replace('"Gives no advice or solution"', "3"), "criteria must list 2 to 6 points"),
        (
            E.replace("Gives no advice or solution", "Gives no advice" + " z" * 100),
            'practice.toml:13: exercise "reflect-dana": a criterion is 215 characters long; keep '
            "each to 200",
        ),
        (
            E.replace('"Gives no advice or solution"', '"""Gives no advice\nor solution"""'),
            'practice.toml:13: exercise "reflect-dana": each criterion must be one line',
        ),
        (
            E.replace("Gives no advice or solution", "Names a feeling Dana expressed or implied"),
            'practice.toml:11: exercise "reflect-dana": criteria lists the same point twice',
        ),
    ],
)
def test_practice_mistakes_are_reported_with_file_and_line(tmp_path, text, expected):
    write_practice(tmp_path, text)
    found = load_library(tmp_path).problems
    assert any(expected in p for p in found), found
    assert all("/courses/basics/practice.toml" in p for p in found), found
