"""The rulebook sections of a track file: each read into its rule, each mistake reported as a
plain sentence with its line, and the track left out while it has one."""

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.rulebook import EvaluationRule
from certificates.tracks import load_tracks

HEAD = 'title = "T"\nsummary = "S"\n'


def load(tmp_path, body, files=None):
    """Write tracks/t.toml (title and summary, then ``body``) and load it: (track, problems)."""
    folder = tmp_path / "tracks"
    folder.mkdir(exist_ok=True)
    (folder / "t.toml").write_text(HEAD + textwrap.dedent(body))
    for name, text in (files or {}).items():
        (folder / name).write_text(text)
    tracks = load_tracks(tmp_path)
    return tracks.track("t"), tracks.problems


def good(tmp_path, body, files=None):
    track, problems = load(tmp_path, body, files)
    assert problems == ()
    return track


def refused(tmp_path, body, expected, files=None):
    """The track is left out and one problem says ``expected`` (with ``t.toml:LINE:``)."""
    track, problems = load(tmp_path, body, files)
    assert track is None
    assert any(expected in p for p in problems), problems
    return problems


def test_a_track_without_the_new_sections_asks_nothing_more(tmp_path):
    track = good(tmp_path, "")
    assert track.training.events == () and track.training.outside_max_hours == 0
    assert track.exam is None and track.evaluation is None
    assert track.experience.group_supervision_max_percent == 100
    assert track.supervisors.credentials == () and track.confirmations == ()
    assert track.attestations == () and track.attestation is None
    assert track.renewal.continuing_education.hours == 0


def test_training_and_its_events(tmp_path):
    track = good(
        tmp_path,
        """
        [training_hours]
        advocacy = 4
        [training]
        total_hours = 60
        live_min_percent = 50
        outside_max_hours = 20.25
        [[training.events]]
        id = "ethics-workshop"
        title = "Ethics and boundaries workshop"
        hours = { ethical_responsibility = 4, advocacy = 2.5 }
        [[training.events]]
        id = "academy-day-1"
        title = "Academy, day 1"
        hours = { mentoring_education = 6 }
        """,
    )
    rule = track.training
    assert (rule.total_hours, rule.live_min_percent, rule.outside_max_hours) == (60, 50, 20.25)
    assert [e.id for e in rule.events] == ["ethics-workshop", "academy-day-1"]
    workshop = rule.event("ethics-workshop")
    assert workshop.title == "Ethics and boundaries workshop"
    assert dict(workshop.hours) == {"ethical_responsibility": 4, "advocacy": 2.5}
    assert workshop.total_hours == 6.5
    assert rule.event("nothing") is None


EVENT = '[[training.events]]\nid = "a"\ntitle = "A"\nhours = { advocacy = 1 }\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[training]\ncolour = 1\n", 't.toml:4: unknown field "colour" in [training]'),
        ("[training]\ntotal_hours = 2.2\n", "t.toml:4: total_hours in [training] must be"),
        ("[training]\nlive_min_percent = 101\n", "t.toml:4: live_min_percent in [training] must"),
        ("[training]\nlive_min_percent = -1\n", "percentage from 0 to 100"),
        ("[training]\noutside_max_hours = -1\n", "t.toml:4: outside_max_hours in [training]"),
        ("[training]\noutside_max_hours = inf\n", "quarter hours"),
        ("[training]\noutside_max_hours = nan\n", "quarter hours"),
        ("[training]\noutside_max_hours = true\n", "quarter hours"),
        ("training = 3\n", "t.toml:3: [training] must be a table"),
        ("[training]\nevents = 3\n", "t.toml:4: training.events must be a list of tables"),
        (
            "[training_hours]\nadvocacy = 10\n[training]\ntotal_hours = 8\n",
            "t.toml:6: total_hours (8) is less than the hours [training_hours] asks by domain (10)",
        ),
        (EVENT + EVENT, 't.toml:8: two events have the id "a"'),
        (EVENT.replace('"a"', '"Big Day!"'), "t.toml:4: [[training.events]] number 1 needs an id"),
        (EVENT.replace('title = "A"\n', ""), 't.toml:3: the event "a" needs title'),
        (EVENT.replace("advocacy = 1", "cooking = 1"), 'unknown domain "cooking" in the event "a"'),
        (EVENT.replace("advocacy = 1", "advocacy = 0.3"), "t.toml:6: hours for advocacy"),
        (EVENT.replace("advocacy = 1", "advocacy = 0"), 'the event "a" needs hours'),
        (EVENT + "room = 4\n", 't.toml:7: unknown field "room" in [[training.events]] number 1'),
    ],
)
def test_training_mistakes(tmp_path, body, expected):
    refused(tmp_path, body, expected)


def test_an_external_exam(tmp_path):
    track = good(tmp_path, '[exam]\nkind = "external"\nname = "NCPRSS exam"\ndescription = "D"\n')
    assert (track.exam.kind, track.exam.name, track.exam.description) == (
        "external",
        "NCPRSS exam",
        "D",
    )
    assert track.exam.question_count == 0


def test_an_internal_exam_with_its_blueprint(tmp_path):
    track = good(
        tmp_path,
        """
        [exam]
        kind = "internal"
        name = "Final exam"
        pass_percent = 75
        max_attempts = 0
        wait_hours = 48
        [exam.blueprint]
        advocacy = 5
        ethical_responsibility = 10
        """,
    )
    exam = track.exam
    assert dict(exam.blueprint) == {"advocacy": 5, "ethical_responsibility": 10}
    assert (exam.question_count, exam.pass_percent, exam.max_attempts, exam.wait_hours) == (
        15,
        75,
        0,
        48,
    )


INTERNAL = '[exam]\nkind = "internal"\nname = "F"\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[exam]\nkind = "oral"\nname = "F"\n', 't.toml:4: kind in [exam] must be "external"'),
        ('[exam]\nkind = "external"\n', "t.toml:3: [exam] needs name"),
        (
            '[exam]\nkind = "external"\nname = "F"\npass_percent = 70\n',
            "t.toml:6: pass_percent is only for an internal exam",
        ),
        (
            '[exam]\nkind = "external"\nname = "F"\n[exam.blueprint]\nadvocacy = 5\n',
            "t.toml:6: blueprint is only for an internal exam",
        ),
        (INTERNAL, "t.toml:3: an internal exam needs [exam.blueprint]"),
        (INTERNAL + "[exam.blueprint]\nadvocacy = 0\n", "needs [exam.blueprint]"),
        (INTERNAL + "[exam.blueprint]\ncooking = 5\n", 't.toml:7: unknown domain "cooking"'),
        (INTERNAL + "[exam.blueprint]\nadvocacy = 2.5\n", "t.toml:7: advocacy in [exam.blueprint]"),
        (INTERNAL + "pass_percent = 0\n[exam.blueprint]\nadvocacy = 5\n", "t.toml:6: pass_perc"),
        (INTERNAL + "pass_percent = 70.5\n", "whole number from 1 to 100"),
        (INTERNAL + "max_attempts = -1\n", "t.toml:6: max_attempts in [exam] must be a whole"),
        (INTERNAL + "wait_hours = 9000\n", "wait_hours in [exam] must be a whole number"),
        (INTERNAL + "marks = 3\n", 't.toml:6: unknown field "marks" in [exam]'),
    ],
)
def test_exam_mistakes(tmp_path, body, expected):
    refused(tmp_path, body, expected)


EVALUATION = """\
[evaluation]
title = "Competency evaluation"
scale = ["Not yet", "Developing", "Competent", "Strong"]
min_rating = "Competent"
[[evaluation.competencies]]
id = "engages"
title = "Engages peers in collaborative and caring relationships"
domain = "mentoring_education"
[[evaluation.competencies]]
id = "provides-support"
title = "Provides support"
"""


def test_the_evaluation_with_the_default_statement_or_its_own(tmp_path):
    evaluation = good(tmp_path, EVALUATION).evaluation
    assert evaluation.scale == ("Not yet", "Developing", "Competent", "Strong")
    assert evaluation.min_index == 2
    assert [(c.id, c.domain) for c in evaluation.competencies] == [
        ("engages", "mentoring_education"),
        ("provides-support", ""),
    ]
    assert evaluation.statement == EvaluationRule.statement  # the default in rulebook.py
    own = EVALUATION.replace('min_rating = "Competent"\n', 'min_rating = "Competent"\n'
                             'statement = "I watched."\n')  # fmt: skip
    (tmp_path / "tracks" / "t.toml").unlink()
    changed = good(tmp_path, own).evaluation
    assert changed.statement == "I watched."
    assert changed.version != evaluation.version


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('"Competent"\n', '"Expert"\n'), "t.toml:6: min_rating in [evaluation] must be one of"),
        (('scale = ["Not yet", "Developing", "Competent", "Strong"]', 'scale = ["Competent"]'),
         "t.toml:5: scale in [evaluation] must list 2 to 10 different ratings"),
        (('"Developing", "Competent"', '"Competent", "Competent"'), "t.toml:5: scale in"),
        (('id = "provides-support"', 'id = "engages"'), 't.toml:12: two competencies have the id'),
        (('"mentoring_education"', '"cooking"'), 't.toml:10: unknown domain "cooking"'),
        (('title = "Provides support"\n', ""), 't.toml:11: the competency "provides-support" '
         "needs title"),
        (('title = "Competency evaluation"\n', ""), "t.toml:3: [evaluation] needs title"),
        (('domain = "mentoring_education"', 'level = 3'), 'unknown field "level" in [[evaluation'),
    ],
)  # fmt: skip
def test_evaluation_mistakes(tmp_path, change, expected):
    refused(tmp_path, EVALUATION.replace(*change), expected)


def test_an_evaluation_needs_competencies(tmp_path):
    refused(tmp_path, EVALUATION.split("[[")[0], "t.toml:3: [evaluation] needs at least one")


def test_experience_and_supervisors(tmp_path):
    track = good(
        tmp_path,
        """
        [supervised_practice]
        hours = 200
        [experience]
        direct_service_hours = 100
        practice_hours_per_supervision_hour = 20
        group_supervision_max_percent = 50
        [supervisors]
        credentials = ["CPRS", "LCSW"]
        description = "Certified peer supervisors or licensed clinicians"
        """,
    )
    assert track.experience.direct_service_hours == 100
    assert track.experience.practice_hours_per_supervision_hour == 20
    assert track.experience.group_supervision_max_percent == 50
    assert track.supervisors.credentials == ("CPRS", "LCSW")
    assert track.supervisors.description.startswith("Certified")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "[supervised_practice]\nhours = 50\n[experience]\ndirect_service_hours = 60\n",
            "t.toml:6: direct_service_hours (60) is more than the supervised practice hours (50)",
        ),
        ("[experience]\ngroup_supervision_max_percent = 120\n", "t.toml:4: group_supervision"),
        ("[experience]\npractice_hours_per_supervision_hour = -20\n", "t.toml:4: practice_hours"),
        ("[experience]\nratio = 20\n", 't.toml:4: unknown field "ratio" in [experience]'),
        ('[supervisors]\ncredentials = ["CPRS", "cprs"]\n', "t.toml:4: credentials in [sup"),
        ('[supervisors]\ncredentials = "CPRS"\n', "must list different credentials"),
        ('[supervisors]\ncredentials = [""]\n', "must list different credentials"),
        ("[supervisors]\ndescription = 3\n", "t.toml:4: [supervisors] needs description"),
    ],
)
def test_experience_and_supervisor_mistakes(tmp_path, body, expected):
    refused(tmp_path, body, expected)


CONFIRMATIONS = """\
[[confirmations]]
id = "diploma"
label = "High-school diploma or GED seen"
help = "Record yes only."
[[confirmations]]
id = "background-check"
label = "Background check done as the program requires"
"""


def test_confirmations(tmp_path):
    track = good(tmp_path, CONFIRMATIONS)
    assert [(c.id, c.help) for c in track.confirmations] == [
        ("diploma", "Record yes only."),
        ("background-check", ""),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('"background-check"', '"diploma"'), 't.toml:8: two confirmations have the id "diploma"'),
        (('"diploma"', '"Diploma seen?"'), "t.toml:4: [[confirmations]] number 1 needs an id"),
        (('label = "High-school diploma or GED seen"\n', ""), 't.toml:3: the confirmation "dip'),
        (('help = "Record yes only."', "details = 1"), 't.toml:6: unknown field "details"'),
    ],
)
def test_confirmation_mistakes(tmp_path, change, expected):
    refused(tmp_path, CONFIRMATIONS.replace(*change), expected)


CE = """\
[renewal]
description = "Twenty hours."
[renewal.continuing_education]
hours = 20
by_domain = { ethical_responsibility = 6 }
reminder_days = [30, 90, 7]
"""


def test_continuing_education(tmp_path):
    ce = good(tmp_path, CE).renewal.continuing_education
    assert (ce.hours, dict(ce.by_domain)) == (20, {"ethical_responsibility": 6})
    assert ce.reminder_days == (90, 30, 7)  # earliest reminder first


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("= 6 }", "= 21 }"), "t.toml:7: the hours by domain in [renewal.continuing_education] "
         "add up to 21, more than its hours (20)"),
        (("hours = 20", "hours = 20.1"), "t.toml:6: hours in [renewal.continuing_education]"),
        (("[30, 90, 7]", "[30, 30]"), "t.toml:8: reminder_days in [renewal.continuing_education]"),
        (("[30, 90, 7]", "[0]"), "reminder_days"),
        (("[30, 90, 7]", '"monthly"'), "reminder_days"),
        (("ethical_responsibility", "ethics"), 't.toml:7: unknown domain "ethics" in by_domain '
         "in [renewal.continuing_education]"),
        (("hours = 20", "hours = 20\nevery = 2"), 'unknown field "every"'),
    ],
)  # fmt: skip
def test_continuing_education_mistakes(tmp_path, change, expected):
    refused(tmp_path, CE.replace(*change), expected)


def test_renewal_refuses_unknown_fields(tmp_path):
    refused(tmp_path, "[renewal]\nrepeat = 1\n", "t.toml:3: [renewal] takes courses")


# --- numbers, for every value a file can hold ------------------------------------------------


@given(quarters=st.integers(min_value=0, max_value=40_000))
def test_any_quarter_hour_is_read_exactly(tmp_path_factory, quarters):
    tmp_path = tmp_path_factory.mktemp("t")
    hours = quarters / 4
    body = f"[training]\noutside_max_hours = {hours!r}\ntotal_hours = {quarters // 4}\n"
    track = good(tmp_path, body)
    assert track.training.outside_max_hours == hours
    assert track.training.total_hours == quarters // 4


@given(hours=st.floats(allow_nan=True, allow_infinity=True))
def test_hours_that_are_not_quarter_hours_or_too_large_are_refused(tmp_path_factory, hours):
    tmp_path = tmp_path_factory.mktemp("t")
    text = "nan" if hours != hours else ("inf" if hours == float("inf") else repr(hours))
    text = "-inf" if hours == float("-inf") else text
    track, problems = load(tmp_path, f"[training]\noutside_max_hours = {text}\n")
    fits = hours == hours and 0 <= hours <= 10_000 and (hours * 4).is_integer()
    assert (track is not None) == fits, problems
    if not fits:
        assert problems == ("tracks/t.toml:4: outside_max_hours in [training] must be a number "
                            "of hours from 0 to 10000, in quarter hours (like 2.25)",)  # fmt: skip


@given(percent=st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6)))
def test_a_percentage_is_read_from_0_to_100(tmp_path_factory, percent):
    tmp_path = tmp_path_factory.mktemp("t")
    track, _ = load(tmp_path, f"[experience]\ngroup_supervision_max_percent = {percent!r}\n")
    assert (track is not None) == (0 <= percent <= 100)
    if track is not None:
        assert track.experience.group_supervision_max_percent == percent


@given(count=st.integers(-5, 300))
def test_blueprint_counts_are_whole_numbers_from_0_to_200(tmp_path_factory, count):
    tmp_path = tmp_path_factory.mktemp("t")
    body = f"{INTERNAL}[exam.blueprint]\nadvocacy = {count}\nmentoring_education = 1\n"
    track, _ = load(tmp_path, body)
    assert (track is not None) == (0 <= count <= 200)
