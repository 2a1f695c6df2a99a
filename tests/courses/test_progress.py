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
