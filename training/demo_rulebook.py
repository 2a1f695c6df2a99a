"""Demo data for the whole rulebook, on the second track (Recovery Coach): a cohort with live
training events and attendance, outside training (approved, waiting for the lead, returned),
continuing education, an exam result the lead recorded, competency evaluations (one signed, one
draft), attestations and lead confirmations; one trainee certified, the others part-way. Its
supervisors' credentials show who may sign off on which track.

Safe to load twice: each part is added only when it is missing. Everything goes through the
services the pages use, so the audit log tells the story too.
"""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from certificates.evaluation import Answer
from certificates.hours import EntryFacts
from certificates.tracks import Track
from training import content
from training.demo import RULEBOOK_PEOPLE, complete_courses, log_approved_hours, practice_responses
from training.extensions import db
from training.hours import services as hours
from training.models import Cohort, User

TRACK_ID = "recovery-coach"
COHORT = "Recovery Coach Academy 2026"

CREDENTIALS = {
    "priya@example.org": "LCSW (Licensed Clinical Social Worker), licence 55012",
    "chris@example.org": "Certified Peer Supervisor (CPS) no. 2231",
}

#: the live sessions the lead scheduled for the cohort: (the track's event id, days from today)
EVENTS = [
    ("academy-1-pathways", -130),
    ("academy-2-story", -130),
    ("academy-3-listening", -129),
    ("academy-4-planning", -129),
    ("academy-5-ethics", -128),
    ("academy-6-confidentiality", -128),
    ("academy-7-crisis", -127),
    ("academy-8-culture", -127),
    ("academy-9-resources", -126),
    ("academy-10-practice", -126),
    ("health-and-safety", -120),
    ("advocacy-in-practice", -112),
    ("ethics-hard-situations", 21),  # upcoming
]
FACILITATORS = {
    "health-and-safety": "Dr Lena Park, County Health Department",
    "advocacy-in-practice": "Morgan Reyes",
}
#: who attended what, where it was not "present": (status, minutes for a partial attendance)
ATTENDANCE = {
    "dana@example.org": {"advocacy-in-practice": ("absent", None)},
    "eli@example.org": {"academy-5-ethics": ("partial", 90), "health-and-safety": ("absent", None)},
    "frankie@example.org": {
        "health-and-safety": ("partial", 240),
        "advocacy-in-practice": ("absent", None),
    },
}
#: how many of the track's courses each has completed, in the track's order (None: all)
COURSES_DONE = {"dana@example.org": None, "eli@example.org": 6, "frankie@example.org": 2}


def load_rulebook_demo() -> list[str]:
    """Create what is missing of the Recovery Coach cohort; return lines to print."""
    track = content.store().tracks.track(TRACK_ID)
    people = {u.email: u for u in db.session.scalars(select(User))}
    if track is None or any(email not in people for email, *_ in RULEBOOK_PEOPLE):
        return [f"(No {TRACK_ID} track in the content: its demo cohort was not made.)"]
    for email, credential in CREDENTIALS.items():
        if not people[email].credential:
            people[email].credential = credential
    db.session.commit()
    lead, priya, chris = (people[e] for e in ("lead@example.org", *CREDENTIALS))
    dana, eli, frankie = (people[e] for e in ATTENDANCE)
    cohort = _cohort(track, [dana, eli, frankie])
    for trainee in (dana, eli, frankie):
        hours.assign(lead, trainee, priya)
    hours.assign(lead, eli, chris)  # Chris may write Eli's evaluation, but not sign it
    _events(lead, cohort, track, people)
    for trainee in (dana, eli, frankie):
        if not hours.entries_of(trainee):
            done = list(track.courses[: COURSES_DONE[trainee.email]])
            complete_courses(trainee, done)
            practice_responses(trainee, priya, accept=True, course_ids=done)
            _hours(trainee, priya, chris, track)
    _outside_training(lead, dana, eli, frankie)
    _exam(lead, dana, track)
    _evaluations(priya, chris, dana, eli, track)
    _attestations(lead, dana, eli, track)
    note = _certify(lead, dana, track)
    return [note] if note else []


def _cohort(track: Track, trainees: list[User]) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT))
    if cohort is None:
        cohort = Cohort(
            name=COHORT, start_date=hours.today() - timedelta(days=130), track_id=track.id
        )
        db.session.add(cohort)
        db.session.flush()
        for trainee in trainees:
            trainee.cohort_id = cohort.id
        db.session.commit()
    return cohort


def _events(lead: User, cohort: Cohort, track: Track, people: dict[str, User]) -> None:
    """The academy's ten sessions, the health and safety workshop and the advocacy workshop
    (past, with attendance), and the ethics workshop three weeks ahead."""
    from training.events import attendance
    from training.events import services as events
    from training.events.models import TrainingEvent

    if db.session.scalar(select(TrainingEvent.id).where(TrainingEvent.cohort_id == cohort.id)):
        return
    for template_id, days in EVENTS:
        template = track.training.event(template_id)
        assert template is not None, template_id  # the shipped track names each
        event = events.create_event(
            lead,
            events.EventChanges(
                title=template.title,
                day=hours.today() + timedelta(days=days),
                facilitator=FACILITATORS.get(template_id, "Jo Alvarez, recovery coach trainer"),
                location="Community room, Harbor Recovery Center",
                hours=dict(template.hours),
                cohort_id=cohort.id,
            ),
            template_id,
        )
        if days <= 0:
            wanted = {
                people[email].id: exceptions.get(template_id, ("present", None))
                for email, exceptions in ATTENDANCE.items()
            }
            attendance.save_attendance(lead, event, wanted)


def _hours(trainee: User, priya: User, chris: User, track: Track) -> None:
    """Dana: every hour the track asks, signed off by Priya. Eli: 80 hours of practice and 4 of
    supervision approved, and a shift waiting for Chris (who may not sign it off). Frankie: a
    first shift approved and a supervision session waiting."""
    from training.hours import signoffs

    if trainee.email == "dana@example.org":
        log_approved_hours(trainee, priya, track, practice_days=20, first_day_ago=40)
        return
    today = hours.today()
    if trainee.email == "eli@example.org":
        plan = [(10 * 60, "supervised_practice", priya, "approve")] * 8
        plan += [(60, "individual_supervision", priya, "approve")] * 4
        plan += [(3 * 60, "supervised_practice", chris, "submit")]
    else:
        plan = [
            (4 * 60, "supervised_practice", priya, "approve"),
            (60, "individual_supervision", priya, "submit"),
        ]
    for day, (minutes, kind, supervisor, action) in enumerate(plan, start=3):
        practice = kind == "supervised_practice"
        entry = hours.save_entry(
            trainee,
            EntryFacts(
                today - timedelta(days=day * 3),
                minutes,
                kind,
                "in_person",
                ("recovery_wellness",) if practice else ("ethical_responsibility",),
                supervisor.id,
                "Recovery coaching at the drop-in centre."
                if practice
                else "Supervision on boundaries with peers I know from meetings.",
                direct_service=practice,
            ),
        )
        hours.submit(trainee, [entry.id])
        if action == "approve":
            signoffs.approve(supervisor, [entry.id])


def _outside_training(lead: User, dana: User, eli: User, frankie: User) -> None:
    """Dana's approved course (with its PDF certificate), Eli's returned with a comment and
    Frankie's waiting for the lead."""
    from training.outside import services as outside

    today = hours.today()
    plans = [
        (
            dana,
            "State Peer Recovery Network",
            "Advocacy and systems navigation",
            100,
            {"advocacy": 2, "ethical_responsibility": 2},
            "approve",
        ),
        (
            eli,
            "Peer Learning Online",
            "Ethics for peer workers",
            60,
            {"ethical_responsibility": 4},
            "The certificate you uploaded shows 2 hours, not 4. Please correct the hours, or "
            "upload the page that shows all 4.",
        ),
        (
            frankie,
            "County Health Department",
            "Naloxone and overdose response",
            20,
            {"recovery_wellness": 3},
            None,
        ),
    ]
    for trainee, provider, title, days_ago, by_domain, decision in plans:
        if outside.records_of(trainee):
            continue
        day = today - timedelta(days=days_ago)
        lines = [f"Certificate of completion: {title}", trainee.name, provider, str(day)]
        upload = _pdf_upload(lines) if trainee is not frankie else _png_upload(lines)
        facts = outside.Facts(provider, title, day, by_domain)
        record = outside.add(trainee, "outside", facts, upload)
        if decision == "approve":
            outside.approve(lead, record, record.submitted_at)
        elif decision:
            outside.return_record(lead, record, decision, record.submitted_at)


def _exam(lead: User, dana: User, track: Track) -> None:
    """The written exam at the end of the academy: Dana's pass, recorded by the lead with a scan
    of the graded paper."""
    from training.exams import services as exams

    if exams.results_of(dana.id, track.id):
        return
    exams.record_result(
        lead,
        dana,
        track,
        day=hours.today() - timedelta(days=126),
        passed=True,
        score="46 of 50 (92 %)",
        note="Graded by the academy's facilitator, Jo Alvarez.",
        evidence=_png_upload(["Recovery coach knowledge exam", dana.name, "Score: 46 / 50"]),
    )


def _evaluations(priya: User, chris: User, dana: User, eli: User, track: Track) -> None:
    """Priya's signed evaluation of Dana; Chris's draft of Eli's (he cannot sign it: his CPS is
    not among the credentials this track accepts)."""
    from training.evaluations import services as evaluations
    from training.evaluations.models import CompetencyEvaluation

    rule = track.evaluation
    assert rule is not None  # the shipped track asks for one
    for supervisor, trainee in ((priya, dana), (chris, eli)):
        if db.session.scalar(
            select(CompetencyEvaluation.id).where(CompetencyEvaluation.trainee_id == trainee.id)
        ):
            continue
        evaluation = evaluations.start(supervisor, trainee)
        signing = trainee is dana
        competencies = rule.competencies if signing else rule.competencies[:5]
        answers = {
            c.id: Answer(
                rule.min_index + (i % 2 if signing else 0),
                "Seen in supervision and in two observed sessions." if i % 3 == 0 else "",
            )
            for i, c in enumerate(competencies)
        }
        overall = (
            "Dana is ready to work as a recovery coach: warm, clear about her role, and quick "
            "to ask for supervision when unsure."
            if signing
            else ""
        )
        evaluations.save_draft(supervisor, evaluation, rule, answers, overall, complete=signing)
        if signing:
            evaluations.sign(supervisor, evaluation, evaluation.revision)


def _attestations(lead: User, dana: User, eli: User, track: Track) -> None:
    """Dana signed all three statements and has both confirmations; Eli signed two and has
    the diploma confirmed."""
    from training.attestations import services as attestations

    for state in attestations.standings(dana, track):
        if state.needs_signing:
            attestations.sign(dana, track, state.attestation, dana.name)
    for state in attestations.standings(eli, track):
        if state.needs_signing and state.attestation.id != "job-description":
            attestations.sign(eli, track, state.attestation, eli.name)
    for trainee, items in ((dana, track.confirmations), (eli, track.confirmations[:1])):
        given = {s.item.id for s in attestations.confirmation_states(trainee, track) if s.active}
        for item in items:
            if item.id not in given:
                attestations.confirm(lead, trainee, track, item)


def _certify(lead: User, dana: User, track: Track) -> str:
    """Dana's certificate, then her first continuing education toward renewing it."""
    from training.certs import issuing, keys
    from training.certs.services import current_certificate
    from training.outside import services as outside

    if current_certificate(dana, track) is None:
        try:
            keys.private_key()
        except keys.NoSigningKey:
            return "(No certificate signing key configured: Dana's certificate was not issued.)"
        issuing.issue(dana, track, lead)
    if not outside.approved_ce(dana.id):
        title = "Ethics refresher: boundaries in online support"
        lines = [f"Certificate of attendance: {title}", dana.name, str(hours.today())]
        facts = outside.Facts(
            "State Peer Recovery Network", title, hours.today(), {"ethical_responsibility": 3}
        )
        record = outside.add(dana, "ce", facts, _pdf_upload(lines))
        outside.approve(lead, record, record.submitted_at)
    return ""


# --- made-up certificate files -----------------------------------------------------------------


def _pdf_upload(lines: list[str]) -> FileStorage:
    """A one-page PDF with these lines of text, as if a trainee had chosen it."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    text = "BT /F1 16 Tf 72 720 Td 24 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    stream = text.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return FileStorage(io.BytesIO(bytes(pdf)), "certificate.pdf", content_type="application/pdf")


def _png_upload(lines: list[str]) -> FileStorage:
    """A small PNG "photo" of a certificate with these lines of text."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 60 + 40 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, image.width - 9, image.height - 9), outline="navy", width=3)
    for number, line in enumerate(lines):
        draw.text((40, 40 + 40 * number), line, fill="black")
    data = io.BytesIO()
    image.save(data, "PNG")
    data.seek(0)
    return FileStorage(data, "certificate-photo.png", content_type="image/png")
