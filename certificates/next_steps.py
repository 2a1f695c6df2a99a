"""What a trainee should do next, from plain facts about where they stand: a pure function, so
the home page's advice is tested without an app.

``next_steps(facts)`` orders every step worth taking, the most useful first: what blocks
everything else (a revoked certificate, a renewal due), what someone asked the trainee to fix
(returned hours or outside training, a practice response to write again), the course they are
in the middle of,
drafts to submit, what to sign, the next course, the exam, hours to log, and the certificate
to download. Steps that wait on someone else (a supervisor's review, the lead's issue) come
last, marked ``waiting``: the page says them without a button.

A step's ``kind`` says what it is; ``target`` names what it is about (a course and module id,
an hours entry id, an attestation id …), so the web app can make the link; ``words`` are the
button's or link's words."""

from __future__ import annotations

from dataclasses import dataclass, field

from certificates.eligibility import CONFIRMED, Checklist, Item

#: a practice exercise's state, as the trainee's latest try left it
NOT_STARTED, SUBMITTED, RETURNED, ACCEPTED = "not_started", "submitted", "returned", "accepted"


@dataclass(frozen=True)
class ExerciseFacts:
    id: str
    title: str
    module_id: str
    status: str = NOT_STARTED


@dataclass(frozen=True)
class CourseFacts:
    """One course of the trainee's track: its modules in order (id, title) and their work."""

    id: str
    title: str
    modules: tuple[tuple[str, str], ...]
    completed_modules: frozenset[str] = frozenset()
    quiz_passed: bool = False
    exercises: tuple[ExerciseFacts, ...] = ()
    #: the module the trainee opened last in this course
    last_viewed: str | None = None

    @property
    def complete(self) -> bool:
        return (
            all(m in self.completed_modules for m, _ in self.modules)
            and self.quiz_passed
            and all(e.status == ACCEPTED for e in self.exercises)
        )

    @property
    def started(self) -> bool:
        return bool(
            self.last_viewed
            or self.completed_modules
            or self.quiz_passed
            or any(e.status != NOT_STARTED for e in self.exercises)
        )

    def next_module(self) -> tuple[int, str, str] | None:
        """(number, id, title) of the module to read next: the one last opened if it is not
        complete yet, else the first one not complete; None when every module is."""
        numbered = [(n, m, t) for n, (m, t) in enumerate(self.modules, 1)]
        unread = [entry for entry in numbered if entry[1] not in self.completed_modules]
        last = next((entry for entry in unread if entry[1] == self.last_viewed), None)
        return last or (unread[0] if unread else None)


@dataclass(frozen=True)
class HoursFacts:
    #: ids of entries the supervisor returned for a correction, of drafts, and how many wait
    returned: tuple[int, ...] = ()
    drafts: tuple[int, ...] = ()
    waiting: int = 0
    has_supervisor: bool = True


@dataclass(frozen=True)
class OutsideFacts:
    """Outside training the trainee recorded: ids of records the lead returned, and how many
    wait for the lead."""

    returned: tuple[int, ...] = ()
    waiting: int = 0


@dataclass(frozen=True)
class CertificateFacts:
    #: "none", "valid", "expired" or "revoked" (of the trainee's track)
    status: str = "none"
    certificate_id: int | None = None
    renewal_due: bool = False
    days_left: int | None = None


@dataclass(frozen=True)
class TraineeFacts:
    #: the courses of the trainee's track, in the track's order
    courses: tuple[CourseFacts, ...] = ()
    #: the course the trainee opened a module of last
    recent_course: str | None = None
    hours: HoursFacts = field(default_factory=HoursFacts)
    outside: OutsideFacts = field(default_factory=OutsideFacts)
    #: the eligibility checklist (None without a track, or once certified)
    checklist: Checklist | None = None
    certificate: CertificateFacts = field(default_factory=CertificateFacts)


@dataclass(frozen=True)
class Step:
    kind: str
    words: str
    #: what it is about: ids for the link (a course and module, an entry, an attestation …)
    target: tuple[str | int, ...] = ()
    #: one sentence of why, or what happens next
    why: str = ""
    #: someone else acts next: said without a button
    waiting: bool = False


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else f"{count} {many}"


def _certificate_first(certificate: CertificateFacts) -> list[Step]:
    if certificate.status == "revoked":
        return [
            Step(
                "revoked",
                "Read about your certificate",
                why="Your certificate is no longer valid. Your program lead can explain why and "
                "talk with you about next steps, including what it would take to be certified "
                "again.",
            )
        ]
    if certificate.status in ("valid", "expired") and certificate.renewal_due:
        days = certificate.days_left
        why = (
            "Your certificate has expired."
            if days is None or days < 0
            else f"Your certificate expires in {days} day{'' if days == 1 else 's'}."
        )
        return [Step("renew", "See what renewal needs", why=why)]
    return []


def _fixes(facts: TraineeFacts) -> list[Step]:
    """What someone asked the trainee to correct or write again."""
    steps = []
    returned = facts.hours.returned
    if returned:
        steps.append(
            Step(
                "fix_hours",
                "Correct the returned entry"
                if len(returned) == 1
                else f"Correct {len(returned)} returned entries",
                target=(returned[0],) if len(returned) == 1 else (),
                why="It came back to you with a note. Read it, make any changes, then submit it "
                "again."
                if len(returned) == 1
                else "They came back to you with notes. Read them, make any changes, then "
                "submit them again.",
            )
        )
    outside = facts.outside.returned
    if outside:
        steps.append(
            Step(
                "fix_outside",
                "Correct your outside training record"
                if len(outside) == 1
                else f"Correct {len(outside)} outside training records",
                target=(outside[0],) if len(outside) == 1 else (),
                why="Your program lead returned it with a comment.",
            )
        )
    for course in facts.courses:
        for exercise in course.exercises:
            if exercise.status == RETURNED:
                steps.append(
                    Step(
                        "practice_again",
                        f"Write again: {exercise.title}",
                        target=(course.id, exercise.id),
                        why=f"Your supervisor asked for another try ({course.title}).",
                    )
                )
    return steps


def _course_steps(course: CourseFacts) -> list[Step]:
    """The next thing to do in a course already started."""
    module = course.next_module()
    if module is not None:
        number, module_id, title = module
        return [
            Step(
                "continue",
                f"Continue: Module {number} · {title}",
                target=(course.id, module_id),
                why=f"In the course “{course.title}”",
            )
        ]
    if not course.quiz_passed:
        return [Step("quiz", f"Take the quiz: {course.title}", target=(course.id,))]
    return [
        Step(
            "practice",
            f"Write your practice exercise: {e.title}",
            target=(course.id, e.id),
            why=f"In the course “{course.title}”",
        )
        for e in course.exercises
        if e.status == NOT_STARTED
    ]


def _current_course(facts: TraineeFacts) -> CourseFacts | None:
    """The course to carry on with: the one opened last, if not complete; else the first one
    started and not complete."""
    unfinished = [c for c in facts.courses if c.started and not c.complete]
    recent = next((c for c in unfinished if c.id == facts.recent_course), None)
    return recent or (unfinished[0] if unfinished else None)


def _unmet(checklist: Checklist | None, kind: str) -> list[Item]:
    if checklist is None:
        return []
    return [item for item in checklist.outstanding if item.kind == kind]


def _learning(facts: TraineeFacts) -> list[Step]:
    """The course in hand (or else the next one to start), drafts to submit, what to sign."""
    current = _current_course(facts)
    steps = _course_steps(current) if current else []
    if not steps:  # nothing started, or only a supervisor's review is left of it
        following = next((c for c in facts.courses if not c.started), None)
        if following is not None:
            steps = [Step("start", f"Start the course: {following.title}", target=(following.id,))]
    if facts.hours.drafts:
        count = len(facts.hours.drafts)
        steps.append(
            Step(
                "submit_drafts",
                "Submit your draft entry" if count == 1 else f"Submit {count} draft entries",
                why="Drafts aren't sent yet. Submit them so your supervisor can review them.",
            )
        )
    return steps + [
        Step("sign", item.label, target=(item.ref,))
        for item in _unmet(facts.checklist, "attestation")
    ]


def _hours(facts: TraineeFacts) -> list[Step]:
    wanting = _unmet(facts.checklist, "practice") + _unmet(facts.checklist, "supervision")
    if not wanting:
        return []
    if not facts.hours.has_supervisor:
        return [
            Step(
                "no_supervisor",
                "Your program lead assigns you a supervisor",
                why="Then you can log your supervision and practice hours.",
                waiting=True,
            )
        ]
    first = wanting[0]
    return [Step("log_hours", "Log your hours", why=f"Still needed: {first.text} ({first.note}).")]


def _exam(facts: TraineeFacts) -> list[Step]:
    """The exam is the trainee's to take, on the platform or outside it (then the lead records
    the result the trainee tells them)."""
    return [
        Step(
            "exam",
            f"Take the {exam.label.removeprefix('Pass the ')}",
            why=f"You need {exam.note}."
            if exam.ref == "internal"
            else "Once you've taken it, tell your program lead your result. They record it here.",
        )
        for exam in _unmet(facts.checklist, "exam")
    ]


def _evaluation(facts: TraineeFacts) -> list[Step]:
    """The supervisor evaluates next; or, when a signed evaluation rated skills below the
    minimum (the one unmet item, whose ``ref`` is that minimum), a new one replaces it."""
    unmet = _unmet(facts.checklist, "evaluation")
    if not unmet:
        return []
    if len(unmet) == 1 and unmet[0].ref:
        return [
            Step(
                "evaluation_waiting",
                f"Some skills were rated below {unmet[0].ref}",
                why="Talk with your supervisor about a plan to build them; a new evaluation "
                "replaces this one.",
                waiting=True,
            )
        ]
    return [
        Step(
            "evaluation_waiting",
            "Your supervisor completes your competency evaluation",
            waiting=True,
        )
    ]


def _waiting(facts: TraineeFacts) -> list[Step]:
    steps = []
    if facts.hours.waiting:
        count = facts.hours.waiting
        steps.append(
            Step(
                "hours_waiting",
                f"{_plural(count, 'One entry', 'entries')} waiting for your supervisor's sign-off",
                waiting=True,
            )
        )
    sent = [
        (course, e) for course in facts.courses for e in course.exercises if e.status == SUBMITTED
    ]
    if sent:
        course, exercise = sent[0]
        steps.append(
            Step(
                "practice_waiting",
                f"Your supervisor is reading your practice exercise: {exercise.title}"
                if len(sent) == 1
                else f"Your supervisor is reading {len(sent)} of your practice exercises",
                target=(course.id, exercise.id) if len(sent) == 1 else (),
                why="You will see their reply on the exercise's page.",
                waiting=True,
            )
        )
    if facts.outside.waiting:
        count = facts.outside.waiting
        steps.append(
            Step(
                "outside_waiting",
                f"{_plural(count, 'One record', 'records')} of outside training waiting for "
                "your program lead",
                waiting=True,
            )
        )
    steps += _evaluation(facts)
    for item in _unmet(facts.checklist, "confirmation"):
        steps.append(
            Step(
                "confirmation_waiting",
                f"Your program lead confirms: {item.text.removeprefix(CONFIRMED)}",
                waiting=True,
            )
        )
    return steps


#: what an eligible trainee without a certificate hears first, whatever else there is to do
ELIGIBLE = Step(
    "issue_waiting",
    "You meet every requirement",
    why="Your program lead will review and issue your certificate.",
    waiting=True,
)


def next_steps(facts: TraineeFacts) -> tuple[Step, ...]:
    """Every step worth taking, the most useful first; steps that wait on someone else last
    (see the module's docstring)."""
    certificate = facts.certificate
    steps = _certificate_first(certificate) + _fixes(facts)
    if certificate.status in ("valid", "expired") and certificate.certificate_id is not None:
        steps.append(
            Step("download", "Download your certificate", target=(certificate.certificate_id,))
        )
    if certificate.status == "none":
        steps += _learning(facts) + _exam(facts) + _hours(facts)
    steps += _waiting(facts)
    ordered = [s for s in steps if not s.waiting] + [s for s in steps if s.waiting]
    checklist = facts.checklist
    if checklist is not None and checklist.eligible and certificate.status == "none":
        ordered.insert(0, ELIGIBLE)
    return tuple(ordered)
