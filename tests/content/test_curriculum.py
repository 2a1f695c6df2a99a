"""The curriculum: the five foundation courses and nine more, long enough to teach, plain enough
to read but written for adults, respectful, each with a live session's facilitator's guide, and
adding up to an honest share of a peer-recovery credential's training hours."""

import re
from collections import Counter
from pathlib import Path

import pytest

from courses.course_table import HIGHEST_GRADE, LOWEST_GRADE
from courses.facilitation import guide_problems
from courses.loader import load_library
from courses.model import Course, Module
from tests.content.readability import module_text, offline_flesch_kincaid

CONTENT = Path(__file__).resolve().parents[2] / "content"
LIBRARY = load_library(CONTENT)
FOUNDATION = ["empathy", "active-listening", "boundaries", "self-care", "relapse-triggers"]
TOPICS = [
    *FOUNDATION,
    "crisis-and-safety",
    "confidentiality-and-the-law",
    "ethics-in-practice",
    "advocacy",
    "cultural-humility",
    "recovery-planning",
    "motivational-interviewing",
    "medications-and-harm-reduction",
    "groups-families-and-teams",
]
COURSES = list(LIBRARY.courses)
MODULES = [(c, m) for c in COURSES for m in c.modules]

#: IC&RC Peer Recovery: 46 training hours by domain
CREDENTIAL_HOURS = {
    "advocacy": 10,
    "mentoring_education": 10,
    "recovery_wellness": 10,
    "ethical_responsibility": 16,
}

#: labels and slang that stigmatise people who use substances or are in recovery
STIGMATISING = [
    r"\baddicts?\b",
    r"\babusers?\b",
    r"\bjunkies?\b",
    r"\bdruggies?\b",
    r"\bdirty\b",
    r"\bclean time\b",
    r"\b(got|get|getting|stay|stayed|staying|stays|be|being|been|was|is) clean\b",
    r"\bsubstance abuse\b",
    r"\bdrug abuse\b",
]


#: a named person doing or saying something: "Dana tells you…", "Marcus has…"
SCENARIO = re.compile(
    r"\b[A-Z][a-z]+,? (is|has|tells|says|said|asks|was|had|calls|texts|shares|comes|mentions"
    r"|misses|wants|offers|returns|seems|sits|shows|just|starts|used|supports|gets|keeps)\b"
)


def module_id(pair: tuple[Course, Module]) -> str:
    return f"{pair[0].id}/{pair[1].id}"


@pytest.fixture(scope="session")
def grade_level(tmp_path_factory):
    return offline_flesch_kincaid(tmp_path_factory.mktemp("nltk_data"))


def test_every_topic_is_shipped_in_order():
    assert LIBRARY.problems == ()
    assert [c.id for c in COURSES] == TOPICS


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.id)
def test_each_course_has_four_modules_and_a_quiz_that_rarely_repeats(course):
    assert len(course.modules) >= 4
    assert len(course.quiz.questions) >= 7 * len(course.modules)
    assert course.quiz.pass_mark == 80
    covered = Counter(q.module_id for q in course.quiz.questions)
    assert set(covered) == {m.id for m in course.modules}


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.id)
def test_quizzes_are_mostly_scenarios_and_explain_every_answer(course):
    for q in course.quiz.questions:
        assert len(q.explanation.split()) >= 20, f"{q.id}: explain why right and why not wrong"
        assert q.hint, f"{q.id}: a hint for retakes"
    # A scenario names the person and what happened; recall questions do not.
    scenarios = [q for q in course.quiz.questions if SCENARIO.search(q.prompt)]
    assert len(scenarios) * 2 > len(course.quiz.questions), [q.id for q in scenarios]


@pytest.mark.parametrize("pair", MODULES, ids=module_id)
def test_each_module_teaches_works_a_scenario_and_asks_for_reflection(pair):
    _, module = pair
    assert module.word_count >= 600, f"{module.word_count} words"
    assert re.search(r"^## Reflection", module.markdown, re.M), "ends with reflection prompts"
    assert re.search(r"^!!! ", module.markdown, re.M), "at least one callout"
    assert re.search(r"[“\"][^”\"]{10,}[”\"]", module.markdown), "a scenario with real words said"


@pytest.mark.parametrize("pair", MODULES, ids=module_id)
def test_each_module_reads_between_grades_six_and_nine(pair, grade_level):
    """Plain enough for every trainee, full enough for adults and for legal content."""
    _, module = pair
    assert LOWEST_GRADE <= grade_level(module_text(module.markdown)) <= HIGHEST_GRADE


def test_the_reading_level_check_can_fail_both_ways(grade_level):
    choppy = "I use. I stop. It is hard. We talk. You help me. I try."
    assert grade_level(choppy) < LOWEST_GRADE
    dense = (
        "Notwithstanding considerable methodological heterogeneity, contemporary investigations "
        "consistently demonstrate that interpersonal attunement substantially influences "
        "therapeutic engagement, retention, and longitudinal behavioural outcomes."
    )
    assert grade_level(dense) > 12


@pytest.mark.parametrize("pair", MODULES, ids=module_id)
def test_language_is_person_first_and_not_stigmatising(pair):
    course, module = pair
    text = (
        module.markdown
        + "".join(
            q.prompt + q.explanation + " ".join(o.text for o in q.options)
            for q in course.quiz.questions
            if q.module_id == module.id
        )
        + "".join(e.scenario + e.prompt + " ".join(e.criteria) for e in module.exercises)
    )
    found = [p for p in STIGMATISING if re.search(p, text, re.I)]
    assert not found


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.id)
def test_awarded_hours_are_backed_by_what_the_trainee_does(course):
    """Reading, practice and the quiz: no more hours than the learning time supports."""
    assert course.total_hours * 60 <= course.learning_minutes, course.id
    assert course.total_hours >= 1, course.id


@pytest.mark.parametrize("pair", MODULES, ids=module_id)
def test_each_module_has_practice_a_supervisor_can_rate(pair):
    _, module = pair
    assert module.exercises, module.id
    for exercise in module.exercises:
        assert 3 <= len(exercise.criteria) <= 6, exercise.id
        assert exercise.minutes >= 10, exercise.id


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.id)
def test_each_course_has_a_facilitators_guide_for_one_live_session(course):
    guide = course.facilitator_guide
    assert guide is not None
    assert guide_problems(guide, course.id) == []
    assert guide.session_minutes == sum(guide.agenda_minutes)
    assert len(guide.role_plays) >= 2 and guide.discussion_questions >= 3


def test_the_track_asks_for_no_more_training_hours_than_the_courses_award():
    from certificates.tracks import load_tracks

    track = next(t for t in load_tracks(CONTENT).tracks if t.id == "peer-recovery")
    totals: Counter[str] = Counter()
    for course in COURSES:
        totals.update(course.training_hours)
    for domain, hours in track.training_hours.items():
        assert hours <= totals[domain], domain
    for domain, hours in totals.items():
        assert hours <= CREDENTIAL_HOURS[domain], domain


def test_the_track_asks_every_course_and_says_it_falls_short_of_the_credential_without_live_hours():
    """The track states the self-paced hours honestly: all of them, and no claim to reach 46."""
    from certificates.tracks import load_tracks

    track = next(t for t in load_tracks(CONTENT).tracks if t.id == "peer-recovery")
    assert list(track.courses) == TOPICS
    totals: Counter[str] = Counter()
    for course in COURSES:
        totals.update(course.training_hours)
    assert dict(track.training_hours) == {d: h for d, h in totals.items() if h}
    awarded = sum(totals.values())
    assert awarded < sum(CREDENTIAL_HOURS.values())
    assert f"{awarded:g} training hours" in track.summary
    assert "IC&RC asks 46 training hours" in track.summary and "live training" in track.summary
    assert "not the credential" in track.summary and "exam" in track.summary


def test_many_pathways_to_recovery_are_named():
    text = " ".join(m.markdown for _, m in MODULES).lower()
    for pathway in (
        "smart recovery",
        "12-step",
        "methadone",
        "buprenorphine",
        "harm reduction",
        "faith",
    ):
        assert pathway in text, pathway


#: capitalised words that are not people: days, months, languages, places, names of things
NOT_PEOPLE = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "English", "Spanish", "Harbor",
}  # fmt: skip


def test_every_person_in_a_scenario_is_in_the_cast():
    """One cast, each person with one life (content/cast.md): a name used in a scenario ("Dana
    says…") must be there. A word counts as a name when it is never written in lower case."""
    cast = (CONTENT / "cast.md").read_text(encoding="utf-8")
    texts = [
        path.read_text(encoding="utf-8")
        for path in (CONTENT / "courses").glob("*/*")
        if path.suffix in {".md", ".toml"}
    ]
    lower_words = {w for text in texts for w in re.findall(r"\b[a-z][a-z]+\b", text)}
    named = {m.group(0).split()[0].rstrip(",") for text in texts for m in SCENARIO.finditer(text)}
    people = {w for w in named if w.lower() not in lower_words} - NOT_PEOPLE
    missing = sorted(w for w in people if not re.search(rf"\b{w}\b", cast))
    assert missing == []
