"""The content loader and checker: valid content loads, each kind of mistake is reported plainly."""

import pytest

from courses.loader import load_library
from tests.helpers import write_course


def problems_for(tmp_path, **parts):
    write_course(tmp_path, **parts)
    return load_library(tmp_path).problems


def test_a_valid_course_loads_with_its_modules_quiz_and_hours(tmp_path):
    write_course(tmp_path)
    library = load_library(tmp_path)
    assert library.problems == ()
    (course,) = library.courses
    assert course.title == "Basics"
    assert [m.id for m in course.modules] == ["first", "second"]
    assert course.modules[0].title == "First steps"
    assert "# First steps" not in course.modules[0].markdown  # the title is taken out of the body
    assert course.training_hours == {"mentoring_education": 1.5}
    assert course.total_hours == 1.5
    assert [q.id for q in course.quiz.questions] == ["q1", "q2", "q3"]
    assert course.quiz.question("q2").answer == {"a", "c"}
    assert course.quiz.question("q3").answer == {"true"}
    assert course.quiz.pass_mark == 80


def test_a_course_is_self_paced_with_an_open_quiz_unless_it_says_otherwise(tmp_path):
    write_course(tmp_path, "plain")
    write_course(
        tmp_path,
        "live",
        course='delivery = "blended"\nquiz_requires_modules = true\n' + COURSE,
    )
    live, plain = sorted(load_library(tmp_path).courses, key=lambda c: c.id)
    assert (plain.delivery, plain.quiz_requires_modules) == ("self-paced", False)
    assert (live.delivery, live.quiz_requires_modules) == ("blended", True)


def test_courses_are_ordered_by_their_order_field(tmp_path):
    write_course(tmp_path, "zeta")
    write_course(
        tmp_path,
        "alpha",
        course='title = "Later"\nsummary = "s"\norder = 5\n'
        'modules = ["first", "second"]\n[training_hours]\nadvocacy = 1\n',
    )
    assert [c.id for c in load_library(tmp_path).courses] == ["zeta", "alpha"]


def test_version_changes_when_any_file_changes(tmp_path):
    folder = write_course(tmp_path)
    before = load_library(tmp_path)
    (folder / "first.md").write_text("# First steps\n\nChanged text.\n")
    after = load_library(tmp_path)
    assert before.courses[0].version != after.courses[0].version
    assert before.version != after.version
    assert load_library(tmp_path).courses[0].version == after.courses[0].version


def test_a_missing_courses_folder_is_reported(tmp_path):
    assert "no courses/ folder" in load_library(tmp_path).problems[0]


def test_a_broken_course_is_left_out_and_others_still_load(tmp_path):
    write_course(tmp_path, "good")
    write_course(tmp_path, "bad", quiz="pass_mark = 80\n")
    library = load_library(tmp_path)
    assert [c.id for c in library.courses] == ["good"]
    assert any("bad/quiz.toml" in p and "no questions" in p for p in library.problems)


QUESTION = """
[[questions]]
id = "q1"
type = "single"
prompt = "Pick."
options = [{{ id = "a", text = "A" }}, {{ id = "b", text = "B" }}]
answer = {answer}
explanation = "Why."
{extra}
"""


@pytest.mark.parametrize(
    ("quiz", "expected"),
    [
        (
            QUESTION.format(answer='"z"', extra=""),
            'quiz.toml:7: question "q1": answer "z" is not among',
        ),
        (
            QUESTION.format(answer='"a"', extra='colour = "red"'),
            'quiz.toml:9: question "q1": unknown field "colour"',
        ),
        (
            QUESTION.format(answer='"a"', extra="") + QUESTION.format(answer='"a"', extra=""),
            'quiz.toml:12: question id "q1" is used twice',
        ),
        (QUESTION.format(answer='["a"]', extra=""), "answer must be one option id"),
        (
            QUESTION.format(answer='"a"', extra='module = "nowhere"'),
            'module "nowhere" is not one of',
        ),
        (
            QUESTION.format(answer='"a"', extra="").replace('type = "single"', 'type = "essay"'),
            "type must be one of single, multiple, true_false",
        ),
        (
            QUESTION.format(answer='"a"', extra="").replace('explanation = "Why."', ""),
            '"explanation" is missing',
        ),
        (
            "pass_mark = 120\n" + QUESTION.format(answer='"a"', extra=""),
            "quiz.toml:1: pass_mark is a percentage",
        ),
        (
            "draw = 5\n" + QUESTION.format(answer='"a"', extra=""),
            "draw must be a whole number from 1 to 1",
        ),
        (
            'review = "sometimes"\n' + QUESTION.format(answer='"a"', extra=""),
            "review must be one of",
        ),
        (
            "shuffle = true\n" + QUESTION.format(answer='"a"', extra=""),
            'quiz.toml:1: unknown field "shuffle"',
        ),
        (
            'pass_mark = "eighty"\n' + QUESTION.format(answer='"a"', extra=""),
            "pass_mark must be a whole number",
        ),
        (
            '[[questions]]\nid = "t"\ntype = "true_false"\nprompt = "p"\nexplanation = "e"\nanswer = "yes"\n',
            "answer must be true or false",
        ),
        (
            '[[questions]]\nid = "m"\ntype = "multiple"\nprompt = "p"\nexplanation = "e"\noptions = [{ id = "a", text = "A" }, { id = "a", text = "B" }]\nanswer = ["a"]\n',
            'option id "a" is used twice',
        ),
        ("this is = not toml [", "quiz.toml:1: this is not valid TOML"),
    ],
)
def test_quiz_mistakes_are_reported_with_file_and_line(tmp_path, quiz, expected):
    problems = problems_for(tmp_path, quiz=quiz)
    assert any(expected in p for p in problems), problems


COURSE = (
    'title = "T"\nsummary = "S"\nmodules = ["first", "second"]\n[training_hours]\nadvocacy = 1\n'
)


@pytest.mark.parametrize(
    ("course", "modules", "expected"),
    [
        (COURSE.replace('title = "T"\n', ""), None, 'course.toml: "title" is missing'),
        ("colour = 1\n" + COURSE, None, 'course.toml:1: unknown field "colour"'),
        (
            COURSE.replace('"second"', '"second", "third"'),
            None,
            'course.toml:3: module "third" is listed but third.md is missing',
        ),
        (COURSE.replace('"second"', '"second", "first"'), None, 'module "first" is listed twice'),
        (
            'delivery = "online"\n' + COURSE,
            None,
            "course.toml:1: delivery must be one of self-paced, live, blended",
        ),
        (
            'quiz_requires_modules = "yes"\n' + COURSE,
            None,
            "course.toml:1: quiz_requires_modules must be true or false (no quotes)",
        ),
        (
            COURSE.replace('["first", "second"]', '["first"]'),
            None,
            'second.md is not listed in "modules"',
        ),
        (
            COURSE.replace("advocacy = 1", "cooking = 2"),
            None,
            'course.toml:5: unknown domain "cooking"',
        ),
        (
            COURSE.replace("advocacy = 1", "advocacy = 0"),
            None,
            "hours for advocacy must be a number above zero",
        ),
        (COURSE.replace("advocacy = 1", "advocacy = 1.25"), None, "whole or half hours"),
        (
            COURSE.replace("[training_hours]\nadvocacy = 1\n", ""),
            None,
            "[training_hours] is missing",
        ),
        (
            COURSE,
            {"first": "No title here.\n", "second": "# Two\n\nText.\n"},
            "first.md:1: the first line must be the module title",
        ),
        (
            COURSE,
            {
                "first": "# One\n\nHi <span style='color:red'>there</span>\n",
                "second": "# Two\n\nText.\n",
            },
            "first.md:3: raw HTML <span> is not allowed",
        ),
        (
            COURSE,
            {"first": "# One\n\n<script>alert(1)</script>\n", "second": "# Two\n\nText.\n"},
            "first.md:3: raw HTML <script> is not allowed",
        ),
        (
            COURSE,
            {"first": '# One\n\n!!! danger "Oops"\n    Text.\n', "second": "# Two\n\nText.\n"},
            'first.md:3: unknown callout kind "danger"',
        ),
        (
            COURSE,
            {"first": "# One\n", "second": "# Two\n\nText.\n"},
            "the module has a title but no text",
        ),
        (
            COURSE.replace('"second"', '"facilitator"'),
            {"first": "# One\n\nText.\n", "facilitator": "# Guide\n\nRole-play scripts.\n"},
            '"facilitator" cannot be a module id',
        ),
        (
            COURSE.replace('"second"', '"quiz"'),
            {"first": "# One\n\nText.\n", "quiz": "# Quiz\n\nText.\n"},
            '"quiz" cannot be a module id',
        ),
    ],
)
def test_course_mistakes_are_reported_with_file_and_line(tmp_path, course, modules, expected):
    problems = problems_for(tmp_path, course=course, modules=modules)
    assert any(expected in p for p in problems), problems


def test_a_bad_course_folder_name_is_reported(tmp_path):
    write_course(tmp_path, "Bad_Name")
    assert any("lower-case letters" in p for p in load_library(tmp_path).problems)


def test_a_folder_without_course_toml_is_reported(tmp_path):
    (tmp_path / "courses" / "empty").mkdir(parents=True)
    assert any("empty: course.toml is missing" in p for p in load_library(tmp_path).problems)


def test_files_that_are_not_utf8_are_reported_not_raised(tmp_path):
    """A module, guide, course file or track saved in another encoding is one problem with its
    file named; the other courses still load."""
    write_course(tmp_path, "broken")
    write_course(tmp_path, "fine")
    folder = tmp_path / "courses" / "broken"
    (folder / "first.md").write_bytes("# Caf\xe9\n\nText.\n".encode("latin-1"))
    library = load_library(tmp_path)
    assert [c.id for c in library.courses] == ["fine"]
    assert any("first.md: is not UTF-8 text" in p for p in library.problems)
    (folder / "first.md").write_text("# One\n\nText.\n")
    (folder / "course.toml").write_bytes((folder / "course.toml").read_bytes() + b"# \xff\n")
    assert any("course.toml: is not UTF-8 text" in p for p in load_library(tmp_path).problems)
