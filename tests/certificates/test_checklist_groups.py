"""The checklist by group with partial progress ("12 of 40 hours"), and each line in words that
do not say the requirement twice."""

from dataclasses import replace

from certificates.checklist_groups import group_of
from certificates.eligibility import Item, TraineeRecord, eligibility
from certificates.hours import HoursRules, Logged, totals
from certificates.rulebook import ExamRule, ExperienceRule, TrainingRule
from certificates.tracks import Attestation, Track

TRACK = Track(
    id="t",
    title="Peer Recovery Specialist",
    summary="s",
    hours=HoursRules(
        practice_minutes=600,
        supervision_minutes=120,
        supervision_by_domain={"ethical_responsibility": 60, "advocacy": 60},
    ),
    courses=("empathy", "boundaries"),
    training_hours={"ethical_responsibility": 6, "advocacy": 2},
    attestations=(
        Attestation("Code of ethics", "I agree.", "Be kind."),
        Attestation("Job description", "I read it.", "…", id="job"),
    ),
)
TITLES = {"empathy": "Empathy in peer support", "boundaries": "Boundaries and ethics"}
HOURS = {"empathy": {"advocacy": 3, "ethical_responsibility": 1}, "boundaries": {}}


def record(courses=("empathy",), entries=(), signed=("code-of-ethics",)):
    return TraineeRecord(
        frozenset(courses),
        TITLES,
        HOURS,
        totals(list(entries)),
        signed_attestations=frozenset(signed),
    )


def groups_of(track=TRACK, **changes):
    return {group.name: group for group in eligibility(track, record(**changes)).groups}


def practice(minutes, direct=False):
    return Logged(minutes, "supervised_practice", "approved", ("advocacy",), direct)


def supervision(minutes, domain="ethical_responsibility", kind="individual_supervision"):
    return Logged(minutes, kind, "approved", (domain,))


def test_each_group_says_how_far_the_trainee_has_come():
    groups = groups_of(entries=[practice(150), supervision(30)])
    assert list(groups) == [
        "Courses",
        "Training hours",
        "Experience",
        "Supervision",
        "Statements and program checks",
    ]
    assert groups["Courses"].progress_text == "1 of 2 courses"
    # 1 of 6 in ethics and 2 of 2 in advocacy (the third hour of advocacy does not make up
    # for ethics)
    assert groups["Training hours"].progress_text == "3 of 8 hours"
    assert groups["Experience"].progress_text == "2.5 of 10 hours"
    assert groups["Supervision"].progress_text == "0.5 of 2 hours"
    assert groups["Statements and program checks"].progress_text == "1 of 2 done"
    assert groups["Experience"].percent == 25
    assert not any(group.met for group in groups.values())


def test_a_met_group_is_met_and_full():
    groups = groups_of(courses=("empathy", "boundaries"))
    courses = groups["Courses"]
    assert courses.met and courses.percent == 100 and courses.progress_text == "2 of 2 courses"
    assert courses.intro.startswith("A course is done when")


def test_hours_beyond_what_is_asked_do_not_overfill_the_bar():
    groups = groups_of(entries=[practice(6000)])
    assert groups["Experience"].progress_text == "10 of 10 hours"
    assert groups["Experience"].percent == 100 and groups["Experience"].met


def test_the_total_of_training_is_the_groups_headline_and_the_live_share_is_not_added():
    track = replace(TRACK, training=TrainingRule(total_hours=20, live_min_percent=50))
    groups = groups_of(track)
    assert groups["Training hours"].progress_text == "4 of 20 hours"
    texts = [item.text for item in groups["Training hours"].items]
    assert texts == [
        "6 hours in Ethical Responsibility",
        "2 hours in Advocacy",
        "20 hours in all (any domain)",
        "10 hours of them at live training events (50 %)",
    ]


def test_direct_service_and_a_ratio_are_shares_not_added_again():
    track = replace(
        TRACK,
        experience=ExperienceRule(direct_service_hours=5, practice_hours_per_supervision_hour=2),
    )
    groups = groups_of(track, entries=[practice(240, direct=True), supervision(60)])
    assert groups["Experience"].progress_text == "4 of 10 hours"
    assert groups["Supervision"].progress_text == "1 of 2 hours"
    texts = [item.text for item in groups["Supervision"].items]
    assert "2 hours for your 4 hours of practice (1 hour for every 2 hours)" in texts
    assert [item.text for item in groups["Experience"].items] == [
        "10 hours of supervised practice",
        "5 hours of it in direct service",
    ]


def test_unmet_lines_say_what_is_left_without_repeating_the_requirement():
    groups = groups_of(entries=[practice(150), supervision(30)])
    lines = {
        item.text: item.note for group in groups.values() for item in group.items if not item.met
    }
    assert lines == {
        "Boundaries and ethics": "",
        "6 hours in Ethical Responsibility": "1 so far, 5 to go",
        "10 hours of supervised practice": "2.5 so far, 7.5 to go",
        "2 hours of supervision in all": "0.5 so far, 1.5 to go",
        "1 hour in Ethical Responsibility": "0.5 so far, 0.5 to go",
        "1 hour in Advocacy": "0 so far, 1 to go",
        "Sign the job description": "not signed yet",
    }
    for text, note in lines.items():
        assert not note or text.split()[-1] not in note, (text, note)


def test_group_supervision_beyond_the_cap_says_what_to_do_instead():
    track = replace(TRACK, experience=ExperienceRule(group_supervision_max_percent=50))
    groups = groups_of(track, entries=[supervision(120, kind="group_supervision")])
    in_all = groups["Supervision"].items[0]
    assert in_all.note == (
        "1 so far, 1 to go; group supervision counts up to 1 hour; log 1 more hour of "
        "individual supervision"
    )


def test_the_exam_line_says_who_records_it_or_the_pass_mark():
    external = replace(TRACK, exam=ExamRule(kind="external", name="NCPRSS exam"))
    (item,) = groups_of(external)["Exam"].items
    assert (item.text, item.note) == (
        "Pass the NCPRSS exam",
        "take it, then the program lead records the result",
    )
    internal = replace(TRACK, exam=ExamRule(kind="internal", name="final exam", pass_percent=75))
    assert groups_of(internal)["Exam"].items[0].note == "75 % to pass"


def test_an_item_without_its_own_words_shows_what_is_missing():
    # as a renewal checklist's items are (certificates.renewal)
    item = Item("Sign the code of ethics again", False, "Read and sign the code of ethics again.")
    assert item.text == item.label and item.note == "Read and sign the code of ethics again."
    group = group_of("Courses", (item,))
    assert group.progress_text == "0 of 1 course" and group.percent == 0


def test_items_keep_what_they_are_about_for_links():
    items = eligibility(TRACK, record()).items
    about = {(item.kind, item.ref) for item in items}
    assert ("course", "boundaries") in about and ("attestation", "job") in about


def test_a_group_heading_says_done_once():
    groups = groups_of(
        courses=("empathy", "boundaries"), signed=("code-of-ethics", "job"), entries=[practice(600)]
    )
    assert groups["Courses"].summary == "done: 2 of 2 courses"
    assert groups["Experience"].summary == "done: 10 of 10 hours"
    assert groups["Statements and program checks"].summary == "all done"
    assert groups["Supervision"].summary == "0 of 2 hours"
