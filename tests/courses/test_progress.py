from courses.loader import load_library
from courses.progress import course_progress, resume_module
from tests.helpers import write_course


def course(tmp_path):
    write_course(tmp_path)
    return load_library(tmp_path).courses[0]


def test_progress_counts_modules_and_the_quiz(tmp_path):
    c = course(tmp_path)
    none = course_progress(c, set(), False)
    assert (none.percent, none.started, none.complete) == (0, False, False)
    one = course_progress(c, {"first", "removed-module"}, False)
    assert (one.modules_done, one.steps_total, one.percent) == (1, 3, 33)
    read = course_progress(c, {"first", "second"}, False)
    assert not read.complete and read.percent == 66
    assert course_progress(c, {"first", "second"}, True).complete
    assert not course_progress(c, {"first"}, True).complete  # passing the quiz is not enough


def test_resume_goes_to_the_last_viewed_module_else_the_first_unfinished(tmp_path):
    c = course(tmp_path)
    assert resume_module(c, set(), None).id == "first"
    assert resume_module(c, {"first"}, None).id == "second"
    assert resume_module(c, {"first"}, "first").id == "first"
    assert resume_module(c, set(), "deleted").id == "first"


def with_exercises(c, *ids):
    """The course with practice exercises at the end of its first module."""
    import dataclasses

    from courses.model import Exercise

    exercises = tuple(
        Exercise(i, c.modules[0].id, i.title(), "A scenario.", "Write.", ("One", "Two"), 10)
        for i in ids
    )
    first = dataclasses.replace(c.modules[0], exercises=exercises)
    return dataclasses.replace(c, modules=(first, *c.modules[1:]))


def test_accepted_practice_counts_toward_progress_and_completion(tmp_path):
    c = with_exercises(course(tmp_path), "reflect", "boundary")
    read = {"first", "second"}
    none = course_progress(c, read, True)
    assert (none.exercises_done, none.exercises_total, none.steps_total) == (0, 2, 5)
    assert not none.complete and none.percent == 60
    one = course_progress(c, read, True, {"reflect", "gone-exercise"})
    assert (one.exercises_done, one.steps_done, one.complete) == (1, 4, False)
    done = course_progress(c, read, True, {"reflect", "boundary"})
    assert done.complete and done.percent == 100
    assert not course_progress(c, read, False, {"reflect", "boundary"}).complete  # quiz first
    assert not course_progress(c, {"first"}, True, {"reflect", "boundary"}).complete
    assert course_progress(c, set(), False, {"reflect"}).started


def test_a_course_without_exercises_completes_as_before(tmp_path):
    c = course(tmp_path)
    p = course_progress(c, {"first", "second"}, True, {"stray"})
    assert (p.exercises_done, p.exercises_total, p.complete) == (0, 0, True)
