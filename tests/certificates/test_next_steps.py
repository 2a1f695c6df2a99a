"""What a trainee should do next, at each stage, from plain facts (no app)."""

from dataclasses import replace

from certificates.eligibility import Checklist, Item
from certificates.next_steps import (
    ACCEPTED,
    RETURNED,
    SUBMITTED,
    CertificateFacts,
    CourseFacts,
    ExerciseFacts,
    HoursFacts,
    OutsideFacts,
    TraineeFacts,
    next_steps,
)

MODULES = (("what", "What empathy is"), ("listen", "Active listening"), ("reflect", "Reflecting"))
EMPATHY = CourseFacts(
    "empathy",
    "Empathy in peer support",
    MODULES,
    exercises=(ExerciseFacts("ex1", "A hard first call", "listen"),),
)
ETHICS = CourseFacts("ethics", "Ethics in practice", (("one", "Why ethics"),))
DONE = replace(
    EMPATHY,
    completed_modules=frozenset(m for m, _ in MODULES),
    quiz_passed=True,
    exercises=(replace(EMPATHY.exercises[0], status=ACCEPTED),),
)


def checklist(*unmet: Item, met: int = 2) -> Checklist:
    return Checklist((*(Item(f"Done {n}", True) for n in range(met)), *unmet))


SIGN = Item(
    "Sign the code of ethics",
    False,
    group="Statements and program checks",
    kind="attestation",
    ref="code",
)
PRACTICE = Item(
    "500 approved hours of supervised practice",
    False,
    group="Experience",
    short="500 hours of supervised practice",
    have=4,
    need=500,
    kind="practice",
)
NEW = TraineeFacts(courses=(EMPATHY, ETHICS), checklist=checklist(SIGN, PRACTICE))


def words(facts: TraineeFacts) -> list[str]:
    return [step.words for step in next_steps(facts)]


def test_a_new_trainee_starts_the_first_course_and_hears_what_else_there_is():
    steps = next_steps(NEW)
    assert [(s.kind, s.words) for s in steps] == [
        ("start", "Start the course: Empathy in peer support"),
        ("sign", "Sign the code of ethics"),
        ("log_hours", "Log your hours"),
    ]
    assert steps[0].target == ("empathy",) and steps[1].target == ("code",)
    assert steps[2].why == "Still needed: 500 hours of supervised practice (4 so far, 496 to go)."


def test_mid_course_the_module_opened_last_comes_first_with_its_number():
    course = replace(EMPATHY, completed_modules=frozenset({"what"}), last_viewed="listen")
    steps = next_steps(replace(NEW, courses=(course, ETHICS), recent_course="empathy"))
    assert steps[0].words == "Continue: Module 2 · Active listening"
    assert steps[0].target == ("empathy", "listen")
    assert steps[0].why == "In the course “Empathy in peer support”"
    # one course at a time: the next one is not offered until this one is done
    assert not any(w.startswith("Start") for w in words(replace(NEW, courses=(course, ETHICS))))
    assert "Start the course: Ethics in practice" in words(replace(NEW, courses=(DONE, ETHICS)))


def test_a_module_already_complete_sends_the_trainee_to_the_first_one_left():
    course = replace(EMPATHY, completed_modules=frozenset({"what", "listen"}), last_viewed="what")
    assert words(replace(NEW, courses=(course,)))[0] == "Continue: Module 3 · Reflecting"


def test_the_course_opened_last_wins_over_an_earlier_one_left_half_way():
    half = replace(EMPATHY, completed_modules=frozenset({"what"}))
    other = replace(ETHICS, last_viewed="one")
    facts = replace(NEW, courses=(half, other), recent_course="ethics")
    assert words(facts)[0] == "Continue: Module 1 · Why ethics"


def test_after_the_modules_the_quiz_then_the_practice_then_waiting():
    read = replace(EMPATHY, completed_modules=frozenset(m for m, _ in MODULES))
    assert words(replace(NEW, courses=(read,)))[0] == "Take the quiz: Empathy in peer support"
    passed = replace(read, quiz_passed=True)
    steps = next_steps(replace(NEW, courses=(passed,)))
    assert (steps[0].words, steps[0].target) == (
        "Write your practice exercise: A hard first call",
        ("empathy", "ex1"),
    )
    sent = replace(passed, exercises=(replace(passed.exercises[0], status=SUBMITTED),))
    steps = next_steps(replace(NEW, courses=(sent,)))
    assert steps[-1].waiting and steps[-1].kind == "practice_waiting"
    assert not any(s.kind == "practice" for s in steps)


def test_returned_work_comes_before_everything_but_the_certificate():
    one = replace(NEW, hours=HoursFacts(returned=(7,)))
    first = next_steps(one)[0]
    assert (first.kind, first.words, first.target) == (
        "fix_hours",
        "Correct the returned entry",
        (7,),
    )
    # a supervisor's return, a lead's void or an ended supervision: each comes with a note
    assert (
        first.why
        == "It came back to you with a note. Read it, make any changes, then submit it again."
    )
    two = next_steps(replace(NEW, hours=HoursFacts(returned=(7, 9))))[0]
    assert (two.words, two.target) == ("Correct 2 returned entries", ())
    assert two.why.startswith("They came back to you with notes.")
    exercise = replace(EMPATHY.exercises[0], status=RETURNED)
    again = replace(NEW, courses=(replace(EMPATHY, exercises=(exercise,)),))
    first = next_steps(again)[0]
    assert (first.words, first.target) == ("Write again: A hard first call", ("empathy", "ex1"))


def test_drafts_are_to_submit_and_entries_sent_wait_for_the_supervisor():
    facts = replace(NEW, hours=HoursFacts(drafts=(3, 4), waiting=1))
    steps = next_steps(facts)
    drafts = next(s for s in steps if s.kind == "submit_drafts")
    assert (drafts.words, drafts.why) == (
        "Submit 2 draft entries",
        "Drafts aren't sent yet. Submit them so your supervisor can review them.",
    )
    assert steps[-1].words == "One entry waiting for your supervisor's sign-off"
    assert steps[-1].waiting
    # a draft may be kept on purpose (logged through the week): the course comes first
    assert words(replace(NEW, hours=HoursFacts(drafts=(3,))))[:2] == [
        "Start the course: Empathy in peer support",
        "Submit your draft entry",
    ]


def test_everything_done_but_the_signature():
    facts = TraineeFacts(courses=(DONE,), checklist=checklist(SIGN))
    steps = next_steps(facts)
    assert [s.words for s in steps] == ["Sign the code of ethics"]


def test_an_eligible_trainee_hears_first_that_the_lead_issues_it():
    facts = TraineeFacts(courses=(DONE,), checklist=checklist(), hours=HoursFacts(drafts=(1,)))
    steps = next_steps(facts)
    assert steps[0].kind == "issue_waiting" and steps[0].waiting
    assert steps[0].why == "Your program lead will review and issue your certificate."
    assert [s.kind for s in steps[1:]] == ["submit_drafts"]


def test_a_certified_trainee_downloads_the_certificate_and_is_not_sent_back_to_courses():
    facts = replace(NEW, checklist=None, certificate=CertificateFacts("valid", 42))
    steps = next_steps(facts)
    assert [(s.kind, s.target) for s in steps] == [("download", (42,))]


def test_a_renewal_due_comes_first():
    facts = replace(
        NEW,
        checklist=None,
        certificate=CertificateFacts("valid", 42, renewal_due=True, days_left=1),
    )
    steps = next_steps(facts)
    assert [s.kind for s in steps] == ["renew", "download"]
    assert steps[0].why == "Your certificate expires in 1 day."
    expired = CertificateFacts("expired", 42, renewal_due=True, days_left=-3)
    assert next_steps(replace(facts, certificate=expired))[0].why == (
        "Your certificate has expired."
    )


def test_a_revoked_certificate_is_said_calmly_and_offers_no_download():
    steps = next_steps(replace(NEW, checklist=None, certificate=CertificateFacts("revoked", 42)))
    assert [s.kind for s in steps] == ["revoked"]
    assert steps[0].why.startswith("Your certificate is no longer valid.")
    assert "what it would take to be certified again" in steps[0].why


def test_without_a_supervisor_logging_hours_waits_for_the_lead():
    steps = next_steps(replace(NEW, hours=HoursFacts(has_supervisor=False)))
    assert steps[-1].kind == "no_supervisor" and steps[-1].waiting
    assert "log_hours" not in [s.kind for s in steps]


def test_the_exam_is_the_trainees_to_take_here_or_outside_and_others_wait():
    internal = Item("Pass the final exam", False, kind="exam", ref="internal", hint="75 % to pass")
    external = replace(internal, label="Pass the NCPRSS exam", ref="external")
    evaluation = Item("A supervisor's signed competency evaluation", False, kind="evaluation")
    confirm = Item("Confirmed by the program: Background check done", False, kind="confirmation")
    facts = TraineeFacts(courses=(DONE,), checklist=checklist(internal, evaluation, confirm))
    steps = next_steps(facts)
    assert [(s.kind, s.waiting) for s in steps] == [
        ("exam", False),
        ("evaluation_waiting", True),
        ("confirmation_waiting", True),
    ]
    assert (steps[0].words, steps[0].why) == ("Take the final exam", "You need 75 % to pass.")
    assert steps[1].words == "Your supervisor completes your competency evaluation"
    assert steps[2].words == "Your program lead confirms: Background check done"
    (outside,) = next_steps(replace(facts, checklist=checklist(external)))
    assert (outside.kind, outside.waiting, outside.words, outside.why) == (
        "exam",
        False,
        "Take the NCPRSS exam",
        "Once you've taken it, tell your program lead your result. They record it here.",
    )


def test_ratings_below_the_minimum_on_a_signed_evaluation_say_what_comes_next():
    signed = Item("A supervisor's signed competency evaluation", True, kind="evaluation")
    low = Item(
        "Rated at least Competent in every competency", False, kind="evaluation", ref="Competent"
    )
    facts = TraineeFacts(courses=(DONE,), checklist=checklist(signed, low))
    (step,) = next_steps(facts)
    assert (step.kind, step.waiting, step.words) == (
        "evaluation_waiting",
        True,
        "Some skills were rated below Competent",
    )
    assert step.why == (
        "Talk with your supervisor about a plan to build them; a new evaluation replaces this one."
    )
    unsigned = replace(signed, met=False)
    not_yet = replace(low, ref="")
    (step,) = next_steps(replace(facts, checklist=checklist(unsigned, not_yet)))
    assert step.words == "Your supervisor completes your competency evaluation"


def test_a_trainee_without_a_track_still_hears_about_the_courses():
    facts = TraineeFacts(courses=(EMPATHY,))
    assert words(facts) == ["Start the course: Empathy in peer support"]
    assert next_steps(TraineeFacts()) == ()


def test_outside_training_returned_is_to_correct_and_one_sent_waits_for_the_lead():
    facts = replace(NEW, outside=OutsideFacts(returned=(5,), waiting=2))
    steps = next_steps(facts)
    assert (steps[0].kind, steps[0].words, steps[0].target) == (
        "fix_outside",
        "Correct your outside training record",
        (5,),
    )
    assert steps[-1].words == "2 records of outside training waiting for your program lead"
    two = next_steps(replace(NEW, outside=OutsideFacts(returned=(5, 6))))[0]
    assert (two.words, two.target) == ("Correct 2 outside training records", ())


def test_a_course_waiting_only_for_review_lets_the_trainee_start_the_next():
    sent = replace(
        DONE, exercises=(replace(EMPATHY.exercises[0], status=SUBMITTED),), last_viewed="what"
    )
    steps = next_steps(replace(NEW, courses=(sent, ETHICS), recent_course="empathy"))
    assert steps[0].words == "Start the course: Ethics in practice"
    assert steps[-1].words == "Your supervisor is reading your practice exercise: A hard first call"
    assert steps[-1].target == ("empathy", "ex1")
