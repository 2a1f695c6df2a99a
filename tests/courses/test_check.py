"""The command-line check: problems with file and line, then each course's hours and quiz figures.

The cue analysis (courses.cues, tested in test_cues.py) is replaced here by a stand-in, so these
tests show what the check prints and how it decides, whatever the analysis finds; the last test
runs the real one.
"""

from types import SimpleNamespace

import pytest

import courses.check
from courses.check import main
from tests.courses.quizzes import exercise
from tests.helpers import write_course

COURSE = """\
title = "Basics"
summary = "A small course."
modules = ["first", "second"]

[training_hours]
advocacy = 0.5
"""


@pytest.fixture
def analysis(monkeypatch):
    """A stand-in for courses.cues.quiz_findings; set ``problems`` and ``figures`` on it."""
    state = SimpleNamespace(
        problems=(),
        figures=(
            "single-answer keys that are the longest option: 1 of 1",
            "worst test-wise guesser passes one attempt 0.42 % (pick the longest)",
        ),
    )
    findings = SimpleNamespace(quiz_findings=lambda quiz: state)
    monkeypatch.setattr(courses.check, "quiz_findings", findings.quiz_findings)
    return state


def good_course(tmp_path, course=COURSE):
    """A course whose 0.5 awarded hours are backed by 37 minutes (2 + 30 practice + 5 quiz)."""
    folder = write_course(tmp_path, course=course)
    (folder / "practice.toml").write_text(exercise("one") + exercise("two", "second"))
    return folder


def run(tmp_path, capsys):
    status = main([str(tmp_path)])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_sound_course_prints_its_basis_and_quiz_figures_and_passes(tmp_path, capsys, analysis):
    good_course(tmp_path)
    status, out, err = run(tmp_path, capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[1:9] == [
        "Basics (basics, self-paced)",
        "  Learning time: 37 min = reading 2 min (11 words at 200 words a minute) + practice "
        "30 min (2 exercises) + quiz 5 min",
        "  Hours awarded: 0.5 (Advocacy 0.5); the learning time supports 0.5",
        "  Facilitator's guide: none (facilitator.md)",
        "  Quiz: 3 of 3 questions an attempt, pass mark 80 %, 3 attempts, 24 h apart",
        "    single-answer keys that are the longest option: 1 of 1",
        "    worst test-wise guesser passes one attempt 0.42 % (pick the longest)",
        "",
    ]
    assert lines[-1].startswith(
        "OK: 1 course(s), 2 modules, 3 quiz questions, 0 track(s), 0 glossary terms"
    )
    # the course table: modules, words, exercises, questions, hours by domain, reading grades
    table = lines[lines.index("") + 1 :] if "" in lines else lines
    header = next(line for line in lines if line.startswith("Course "))
    assert header.split() == [
        "Course", "Mods", "Words", "Ex", "Qs", "Adv", "M/E", "R/W", "Eth", "Award", "Supp", "Grade"
    ]  # fmt: skip
    row = next(line for line in lines if line.startswith("basics "))
    assert row.split()[:11] == ["basics", "2", "11", "2", "3", "0.5", "0", "0", "0", "0.5", "0.5"]
    assert any(line.startswith("Note: ") and "first.md: reads at grade" in line for line in table)


def test_a_broken_facilitators_guide_fails_the_check(tmp_path, capsys, analysis):
    good_course(tmp_path)
    guide = tmp_path / "courses" / "basics" / "facilitator.md"
    guide.write_text("# Facilitator's guide: Basics\n\nOne live session of 30 minutes.\n")
    status, _, err = run(tmp_path, capsys)
    assert status == 1
    assert f'{guide}: no "## Agenda" section' in err.splitlines()


def test_more_hours_than_the_learning_time_fail_the_check_at_the_hours_line(
    tmp_path, capsys, analysis
):
    good_course(tmp_path, COURSE.replace("advocacy = 0.5", "advocacy = 1"))
    status, out, err = run(tmp_path, capsys)
    assert status == 1
    assert "Hours awarded: 1 (Advocacy 1); the learning time supports 0.5" in out
    assert err.splitlines() == [
        f"{tmp_path}/courses/basics/course.toml:5: the course awards 1 training hour but its "
        "learning time is 37 min, which supports at most 0.5 hours: lower [training_hours] or "
        "add material (module text, practice exercises)",
        f"1 problem found in {tmp_path}.",
    ]


def test_a_cue_problem_fails_the_check(tmp_path, capsys, analysis):
    good_course(tmp_path)
    analysis.problems = ("x/quiz.toml:4: the key is the longest option in 3 of 3",)
    status, _, err = run(tmp_path, capsys)
    assert status == 1
    assert err.splitlines() == [
        "x/quiz.toml:4: the key is the longest option in 3 of 3",
        f"1 problem found in {tmp_path}.",
    ]


def test_load_problems_come_first_and_the_broken_course_is_not_analysed(tmp_path, capsys, analysis):
    folder = good_course(tmp_path)
    (folder / "first.md").write_text("no title\n")
    status, out, err = run(tmp_path, capsys)
    assert status == 1
    assert "first.md:1: the first line must be the module title" in err.splitlines()[0]
    assert "Basics" not in out


def test_the_real_analysis_prints_the_worst_guesser_and_fails_a_guessable_quiz(tmp_path, capsys):
    good_course(tmp_path)  # three questions, one of them true/false: easy to guess
    status, out, err = run(tmp_path, capsys)
    assert status == 1
    guesser = [line for line in out.splitlines() if "guesser" in line]
    assert len(guesser) == 1 and guesser[0].startswith("    ")
    assert any("guesser" in line and "quiz.toml" in line for line in err.splitlines())


def test_paths_open_from_where_the_check_runs(tmp_path, capsys, monkeypatch):
    """Inside the working folder a path is relative to it; outside, in full: either way an
    editor opens it from the terminal the check ran in."""
    good_course(tmp_path, COURSE.replace("advocacy = 0.5", "advocacy = 1"))
    monkeypatch.chdir(tmp_path)
    _, _, inside = run(tmp_path, capsys)
    assert inside.startswith("courses/basics/course.toml:5: ")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, _, outside = run(tmp_path, capsys)
    assert outside.startswith(f"{tmp_path}/courses/basics/course.toml:5: ")


TRACK = """\
title = "Peer track"
summary = "A small track."
courses = ["basics"]

[training_hours]
advocacy = 2

[training]
outside_max_hours = 1

[[training.events]]
id = "workshop"
title = "Advocacy workshop"
hours = { advocacy = 0.5 }

[supervised_practice]
hours = 100

[exam]
kind = "external"
name = "The board's exam"
"""


def test_a_track_prints_its_rulebook_and_passes_when_its_hours_can_be_reached(
    tmp_path, capsys, analysis
):
    good_course(tmp_path)
    (tmp_path / "tracks").mkdir()
    (tmp_path / "tracks" / "peer.toml").write_text(TRACK)
    status, out, err = run(tmp_path, capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    start = lines.index("Track Peer track (peer)")
    assert lines[start + 1 : start + 5] == [
        "  Training hours: 2 in all; courses give 0.5, live events 0.5, outside training at most 1",
        "    Advocacy: asks 2; courses 0.5, events 0.5",
        "  Live: no share asked; 1 event template",
        "  Experience: 100 h supervised practice; 0 h supervision",
    ]
    assert "  Exam: The board's exam, taken elsewhere; a lead records the result" in lines
    assert "  Attestations: none" in lines and "  Evaluation: none" in lines
    assert lines[-1].startswith("OK: 1 course(s), 2 modules, 3 quiz questions, 1 track(s)")


def test_a_track_whose_hours_cannot_be_reached_fails_the_check(tmp_path, capsys, analysis):
    good_course(tmp_path)
    (tmp_path / "tracks").mkdir()
    (tmp_path / "tracks" / "peer.toml").write_text(TRACK.replace('"basics"]', '"basics", "x"]'))
    (tmp_path / "tracks" / "other.toml").write_text(TRACK.replace("advocacy = 2", "advocacy = 3"))
    status, _, err = run(tmp_path, capsys)
    assert status == 1
    assert err.splitlines() == [
        "tracks/other.toml: Advocacy needs 3 hours; its courses give 0.5, its events 0.5 and "
        "outside training at most 1 counts: 1 hour short",
        'tracks/peer.toml: course "x" does not exist',
        f"2 problems found in {tmp_path}.",
    ]


def test_a_broken_track_file_fails_the_check_with_its_line(tmp_path, capsys, analysis):
    good_course(tmp_path)
    (tmp_path / "tracks").mkdir()
    (tmp_path / "tracks" / "peer.toml").write_text(TRACK.replace('"external"', '"oral"'))
    status, out, err = run(tmp_path, capsys)
    assert status == 1
    assert err.splitlines()[0] == (
        'tracks/peer.toml:20: kind in [exam] must be "external" (passed elsewhere) or "internal"'
    )
    assert "Track Peer track" not in out
