"""What a certificate certifies and its transcript, built from a trainee's record: the hours the
checklist counts, every course, live event and outside training in date order (and a renewal's
continuing education), the same words back from the signed payload (old certificates included),
and the transcript kept out of the payload, which signs its digest."""

import hashlib
import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.eligibility import TraineeRecord
from certificates.hours import Logged, totals
from certificates.outside_hours import ce_counted, counted_outside
from certificates.rulebook import (
    AttendedEvent,
    Competency,
    EvaluationOutcome,
    EvaluationRule,
    ExamOutcome,
    ExamRule,
    ExperienceRule,
    OutsideTraining,
    TrainingRule,
)
from certificates.signing import canonical
from certificates.tracks import Attestation, Track
from certificates.transcript import (
    Certifies,
    CompletedCourse,
    TranscriptLine,
    certifies,
    certifies_sentences,
    old_format_sentences,
    outside_counted_each,
    sentences_of,
    transcript,
    transcript_of,
)
from certificates.transcript_digest import (
    TRANSCRIPT_DIGEST,
    TranscriptMismatch,
    has_transcript,
    signed_transcript,
    transcript_sha256,
)

ETHICS = Attestation("Code of ethics", "I agree.", "Be kind.", id="code-of-ethics")
LIVED = Attestation("Lived-experience statement", "I agree.", "My path.", id="lived-experience")
TRACK = Track(
    id="ncprss",
    title="National Peer Recovery Support Specialist",
    summary="",
    courses=("ethics",),
    attestations=(ETHICS, LIVED),
    training=TrainingRule(outside_max_hours=5),
    experience=ExperienceRule(direct_service_hours=10),
    exam=ExamRule(kind="external", name="NCPRSS examination (NAADAC)"),
    evaluation=EvaluationRule(
        title="Competency evaluation",
        scale=("Not yet", "Meets"),
        min_rating="Meets",
        competencies=(Competency("listening", "Active listening"),),
    ),
)


def outside(record_id, day, hours, title="Harm reduction basics", provider="State University"):
    return OutsideTraining(record_id, "outside", provider, title, day, hours)


RECORD = TraineeRecord(
    completed_courses=frozenset({"ethics", "advocacy"}),
    course_titles={"ethics": "Ethics in practice", "advocacy": "Advocacy"},
    course_hours={"ethics": {"ethical_responsibility": 6}, "advocacy": {"advocacy": 3.5}},
    hours=totals(
        [
            Logged(600, "supervised_practice", "approved", ("advocacy",), direct_service=True),
            Logged(300, "supervised_practice", "approved", ("advocacy",)),
            Logged(120, "individual_supervision", "approved", ("ethical_responsibility",)),
            Logged(45, "group_supervision", "approved", ("advocacy",)),
            Logged(600, "supervised_practice", "submitted", ("advocacy",)),
        ]
    ),
    signed_attestations=frozenset({"code-of-ethics", "lived-experience"}),
    events=(
        AttendedEvent("Ethics workshop", date(2026, 4, 2), 150, {"ethical_responsibility": 2.5}),
    ),
    outside=(
        outside(7, date(2026, 3, 10), {"recovery_wellness": 4}),
        outside(9, date(2026, 5, 1), {"advocacy": 2, "mentoring_education": 2}, "Mentoring 101"),
    ),
    exam=ExamOutcome(passed=True, day=date(2026, 5, 3), detail="82 %"),
    evaluation=EvaluationOutcome({"listening": 1}, date(2026, 5, 2), "Sam Supervisor", "v1"),
)
COURSES = [
    CompletedCourse("advocacy", "Advocacy", date(2026, 4, 2), {"advocacy": 3.5}),
    CompletedCourse(
        "ethics", "Ethics in practice", date(2026, 2, 1), {"ethical_responsibility": 6}
    ),
]


def test_the_transcript_lists_courses_events_and_outside_training_in_date_order():
    lines = transcript(COURSES, RECORD, TRACK)
    assert [(line.day.isoformat(), line.kind, line.title) for line in lines] == [
        ("2026-02-01", "course", "Ethics in practice"),
        ("2026-03-10", "outside", "Harm reduction basics"),
        ("2026-04-02", "course", "Advocacy"),  # the same day: courses before events
        ("2026-04-02", "event", "Ethics workshop"),
        ("2026-05-01", "outside", "Mentoring 101"),
    ]
    event = lines[3]
    assert event.minutes == 150 and event.kind_label == "Live event" and event.total_hours == 2.5
    assert lines[1].provider == "State University"


def test_outside_training_beyond_the_tracks_limit_is_listed_with_only_what_counts():
    lines = {line.title: line for line in transcript(COURSES, RECORD, TRACK)}
    assert lines["Harm reduction basics"].hours == {"recovery_wellness": 4}
    # 1 hour of the 5 allowed is left: shared in proportion, rounded down to quarter hours
    assert lines["Mentoring 101"].hours == {"mentoring_education": 0.5, "advocacy": 0.5}
    extra = outside(11, date(2026, 6, 1), {"advocacy": 1}, "Advocacy again")
    later = replace(RECORD, outside=(*RECORD.outside, extra))
    beyond = {line.title: line for line in transcript(COURSES, later, TRACK)}
    assert beyond["Harm reduction basics"].total_hours == 4
    assert beyond["Advocacy again"].hours == {} and beyond["Advocacy again"].total_hours == 0


def test_it_certifies_the_hours_the_checklist_counts_and_what_else_the_holder_did():
    summary = certifies(TRACK, RECORD)
    assert summary.training_hours == {
        "advocacy": 4.0,
        "mentoring_education": 0.5,
        "recovery_wellness": 4.0,
        "ethical_responsibility": 8.5,
    }
    assert (summary.training_total, summary.course_hours) == (17, 9.5)
    assert (summary.live_hours, summary.outside_hours) == (2.5, 5)
    assert summary.practice_minutes == 900 and summary.direct_service_minutes == 600
    assert (summary.supervision_individual_minutes, summary.supervision_group_minutes) == (120, 45)
    assert summary.exam == {
        "name": "NCPRSS examination (NAADAC)",
        "result": "passed",
        "on": "2026-05-03",
    }
    assert summary.evaluation == {
        "title": "Competency evaluation",
        "by": "Sam Supervisor",
        "on": "2026-05-02",
    }
    assert summary.attestation_versions == (ETHICS.version, LIVED.version)
    assert summary.attestations_signed == 2


def test_the_summary_adds_up_to_the_transcript():
    lines = transcript(COURSES, RECORD, TRACK)
    assert sum(line.total_hours for line in lines) == certifies(TRACK, RECORD).training_total


def test_a_track_without_exam_or_evaluation_certifies_neither():
    plain = replace(TRACK, exam=None, evaluation=None, attestations=(ETHICS,))
    summary = certifies(plain, RECORD)
    assert summary.exam is None and summary.evaluation is None
    assert summary.attestation_versions == (ETHICS.version,)


def test_in_plain_words():
    assert certifies_sentences(certifies(TRACK, RECORD)) == [
        "17 hours of training (Advocacy 4, Mentoring/Education 0.5, Recovery/Wellness Support 4, "
        "Ethical Responsibility 8.5); of them 2.5 hours at live events and 5 hours of outside "
        "training.",
        "15 hours of supervised practice, 10 hours of it in direct service, signed off by the "
        "program's supervisors.",
        "2.75 hours of supervision (2 hours individual, 0.75 hours in a group).",
        "Passed the NCPRSS examination (NAADAC) on 3 May 2026.",
        "Competency evaluation completed and signed by Sam Supervisor on 2 May 2026.",
        "All statements this track asks were signed.",
    ]


def test_the_signed_json_reads_back_to_the_same_facts_and_words():
    lines = transcript(COURSES, RECORD, TRACK)
    summary = certifies(TRACK, RECORD)
    payload = json.loads(
        canonical(
            {"certifies": summary.as_payload(), "transcript": [x.as_payload() for x in lines]}
        )
    )
    assert transcript_of(payload) == lines
    assert Certifies.from_payload(payload["certifies"]).as_payload() == summary.as_payload()
    assert sentences_of(payload) == certifies_sentences(summary)


def test_the_signed_summary_never_names_which_statements_were_signed():
    """A public verification page must not tell anyone the holder has lived experience of
    substance use: the payload keeps a count and the versions, no titles and no ids."""
    payload = canonical(certifies(TRACK, RECORD).as_payload()).decode()
    assert json.loads(payload)["attestations"] == {
        "signed": 2,
        "versions": [ETHICS.version, LIVED.version],
    }
    for named in ("Lived-experience", "lived-experience", "Code of ethics", "code-of-ethics"):
        assert named not in payload
    assert "Lived" not in " ".join(certifies_sentences(certifies(TRACK, RECORD)))


def test_a_summary_signed_with_titles_is_read_without_them():
    old = certifies(TRACK, RECORD).as_payload()
    old["attestations"] = [{"title": "Lived-experience statement", "version": "v1"}]
    summary = Certifies.from_payload(old)
    assert summary.attestation_versions == ("v1",)
    assert "Lived" not in " ".join(certifies_sentences(summary))


def test_an_old_certificate_has_no_transcript_and_keeps_its_words():
    old = {
        "v": 1,
        "training_hours": {"mentoring_education": 1.5},
        "approved_minutes": {"supervised_practice": 120, "supervision": 60},
    }
    assert transcript_of(old) is None
    assert (
        sentences_of(old)
        == old_format_sentences(old)
        == [
            "1.5 hours of training in the track's courses (Mentoring/Education 1.5).",
            "2 hours of supervised practice and 1 hour of supervision, signed off by the program's "
            "supervisors.",
        ]
    )
    assert sentences_of({"v": 1}) == []


def test_a_line_without_provider_or_minutes_signs_neither():
    line = TranscriptLine("course", date(2026, 1, 5), "Basics", {"advocacy": 1, "x": 0})
    assert line.as_payload() == {
        "kind": "course",
        "on": "2026-01-05",
        "title": "Basics",
        "hours": {"advocacy": 1.0},
    }


quarter_hours = st.integers(min_value=0, max_value=40).map(lambda q: q / 4)
records = st.lists(
    st.builds(
        OutsideTraining,
        id=st.integers(min_value=1, max_value=10_000),
        kind=st.just("outside"),
        provider=st.just("P"),
        title=st.text(min_size=1, max_size=5),
        day=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
        hours=st.dictionaries(
            st.sampled_from(["advocacy", "mentoring_education", "ethical_responsibility"]),
            quarter_hours,
            min_size=1,
        ),
    ),
    max_size=8,
    unique_by=lambda r: r.id,
)


@given(records, st.integers(min_value=0, max_value=80).map(lambda q: q / 4))
def test_each_records_counted_hours_add_up_to_what_the_cap_lets_count(outside_records, cap):
    each = outside_counted_each(outside_records, cap)
    summed: dict[str, float] = {}
    for record, counted in each:
        for domain, hours in counted.items():
            assert 0 <= hours <= record.hours[domain]
            summed[domain] = summed.get(domain, 0) + hours
    expected = counted_outside(outside_records, cap)
    assert {d: round(v, 2) for d, v in summed.items()} == {
        d: round(v, 2) for d, v in expected.items() if v
    }
    assert sum(summed.values()) <= cap + 1e-9


@given(records)
def test_the_transcript_reads_back_from_its_json_whatever_the_records(outside_records):
    record = replace(RECORD, outside=tuple(outside_records))
    lines = transcript(COURSES, record, TRACK)
    assert [line.day for line in lines] == sorted(line.day for line in lines)
    as_json = json.loads(canonical({"transcript": [line.as_payload() for line in lines]}))
    assert transcript_of(as_json) == tuple(
        replace(line, hours={d: v for d, v in line.hours.items() if v}) for line in lines
    )


# --- review fixes: no score, no direct service unasked, the transcript out of the payload, CE --


def test_the_exam_is_signed_by_name_result_and_date_never_its_score():
    scored = replace(
        RECORD, exam=ExamOutcome(True, date(2026, 5, 3), "passed with 86 % (612 scaled)")
    )
    signed = canonical(certifies(TRACK, scored).as_payload()).decode()
    assert json.loads(signed)["exam"] == {
        "name": "NCPRSS examination (NAADAC)",
        "result": "passed",
        "on": "2026-05-03",
    }
    assert "86" not in signed and "612" not in signed and "detail" not in signed


def test_a_track_that_asks_no_direct_service_says_nothing_of_it():
    plain = replace(TRACK, experience=ExperienceRule())
    summary = certifies(plain, RECORD)
    assert summary.direct_service_minutes is None
    assert summary.as_payload()["direct_service_minutes"] is None
    said = certifies_sentences(summary)
    assert "15 hours of supervised practice, signed off by the program's supervisors." in said
    assert "direct service" not in " ".join(said)


def _with_digest(lines):
    """A payload as signed now, and the transcript stored beside it (its JSON text)."""
    as_json = [line.as_payload() for line in lines]
    return {"v": 1, TRANSCRIPT_DIGEST: transcript_sha256(as_json)}, canonical(as_json).decode()


def test_the_payload_signs_the_transcripts_digest_and_the_stored_copy_is_checked_against_it():
    lines = transcript(COURSES, RECORD, TRACK)
    payload, stored = _with_digest(lines)
    assert payload[TRANSCRIPT_DIGEST] == hashlib.sha256(stored.encode()).hexdigest()
    assert "Mentoring 101" not in json.dumps(payload) and has_transcript(payload)
    assert transcript_of(payload, stored) == lines
    assert (
        transcript_of(payload, json.loads(stored)) == lines
    )  # the lines as a JSON answer has them
    assert signed_transcript(payload, stored) == json.loads(stored)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "not json",
        "{}",
        "[]",
        lambda text: text.replace("Mentoring 101", "Mentoring 102"),
        lambda text: text.replace('"advocacy":3.5', '"advocacy":35'),
        lambda text: json.dumps(json.loads(text)[1:]),
    ],
    ids=["missing", "empty", "not-json", "not-a-list", "no-lines", "title", "hours", "a-line-less"],
)
def test_a_stored_transcript_that_is_not_the_one_signed_is_never_read(stored):
    payload, text = _with_digest(transcript(COURSES, RECORD, TRACK))
    changed = stored(text) if callable(stored) else stored
    with pytest.raises(TranscriptMismatch):
        transcript_of(payload, changed)


def test_a_transcript_signed_inline_before_digests_still_reads():
    lines = transcript(COURSES, RECORD, TRACK)
    inline = {"v": 1, "transcript": [line.as_payload() for line in lines]}
    assert has_transcript(inline) and transcript_of(inline) == lines
    assert transcript_of(inline, "whatever is stored") == lines  # the signed inline copy rules
    assert not has_transcript({"v": 1}) and transcript_of({"v": 1}) is None


@given(records)
def test_the_digest_of_any_transcript_survives_being_stored_and_read_back(outside_records):
    lines = transcript(COURSES, replace(RECORD, outside=tuple(outside_records)), TRACK)
    payload, stored = _with_digest(lines)
    assert transcript_sha256(json.loads(stored)) == payload[TRANSCRIPT_DIGEST]
    assert transcript_of(payload, stored) == tuple(
        replace(line, hours={d: v for d, v in line.hours.items() if v}) for line in lines
    )


def ce(record_id, day, hours, title, provider="Recovery Academy"):
    return OutsideTraining(record_id, "ce", provider, title, day, hours)


CE_RECORDS = [
    ce(21, date(2027, 3, 1), {"ethical_responsibility": 6}, "Ethics update"),
    ce(22, date(2027, 4, 1), {"ethical_responsibility": 6}, "ethics  UPDATE"),  # the same course
    ce(23, date(2027, 5, 1), {"advocacy": 13.75, "mentoring_education": 0.25}, "Advocacy today"),
    ce(24, date(2025, 1, 1), {"advocacy": 9}, "Before the certificate"),
]


def test_a_renewal_certifies_and_lists_the_continuing_education_counted_for_it():
    counted = ce_counted(CE_RECORDS, date(2026, 6, 1), date(2028, 6, 1))
    summary = certifies(TRACK, RECORD, counted)
    assert summary.continuing_education == {
        "ethical_responsibility": 6,
        "advocacy": 13.75,
        "mentoring_education": 0.25,
    }
    assert summary.continuing_education_total == 20
    assert summary.training_total == certifies(TRACK, RECORD).training_total  # CE is not training
    said = certifies_sentences(Certifies.from_payload(json.loads(canonical(summary.as_payload()))))
    assert said[-1] == (
        "Renewed with 20 hours of continuing education (Advocacy 13.75, Mentoring/Education "
        "0.25, Ethical Responsibility 6)."
    )
    ce_lines = [x for x in transcript(COURSES, RECORD, TRACK, counted) if x.kind == "ce"]
    assert [(x.day, x.title, x.provider, dict(x.hours)) for x in ce_lines] == [
        (date(2027, 3, 1), "Ethics update", "Recovery Academy", {"ethical_responsibility": 6}),
        (
            date(2027, 5, 1),
            "Advocacy today",
            "Recovery Academy",
            {"advocacy": 13.75, "mentoring_education": 0.25},
        ),
    ]
    assert ce_lines[0].kind_label == "Continuing education"


def test_a_first_certificate_signs_no_continuing_education():
    summary = certifies(TRACK, RECORD)
    assert summary.continuing_education is None
    assert "continuing_education" not in summary.as_payload()
    assert "continuing education" not in " ".join(certifies_sentences(summary))
