"""Quiz integrity: each cue rule passes a quiz that avoids its cue and names one that leans on it.

Every quiz here is built in code; the messages are checked for the file, the line and the change
they ask of the author.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from courses.cues import quiz_findings, repeat_share
from courses.guessers import unstratified_plan
from courses.model import Option, Question, Quiz
from courses.questions import QUESTION_TYPES
from courses.quiz import draw_plan

SOURCE = "content/courses/demo/quiz.toml"


def single(key_text: str, others: tuple[str, ...] = ("Fig", "Lemon", "Banana"), **kw) -> Question:
    """A single-answer question whose key ("a") reads ``key_text``."""
    options = (Option("a", key_text), *(Option(chr(98 + i), t) for i, t in enumerate(others)))
    return Question(
        kw.pop("qid", "q"),
        QUESTION_TYPES["single"],
        kw.pop("prompt", "Which one?"),
        options,
        frozenset("a"),
        kw.pop("explanation", "Because."),
        **kw,
    )


def multiple(right: int, **kw) -> Question:
    """A multiple-answer question with four options of equal length, the first ``right`` right."""
    options = tuple(Option(x, f"Fruit {x}") for x in "abcd")
    return Question(
        kw.pop("qid", "m"),
        QUESTION_TYPES["multiple"],
        "Which ones?",
        options,
        frozenset("abcd"[:right]),
        "Because.",
        **kw,
    )


def statement(prompt: str, true: bool, **kw) -> Question:
    kind = QUESTION_TYPES["true_false"]
    answer = frozenset({"true" if true else "false"})
    explanation = kw.pop("explanation", "Because.")
    return Question(
        kw.pop("qid", "t"), kind, prompt, kind.fixed_options(), answer, explanation, **kw
    )


def numbered(questions: list[Question]) -> tuple[Question, ...]:
    """Give each question its own id and a line, ten lines apart, as the loader would."""
    return tuple(
        Question(
            f"q{i}",
            q.type,
            q.prompt,
            q.options,
            q.answer,
            q.explanation,
            q.hint,
            q.module_id,
            q.required,
            line=1 + 10 * i,
        )
        for i, q in enumerate(questions, 1)
    )


def problems(questions: list[Question], **settings) -> list[str]:
    quiz = Quiz(numbered(questions), source=SOURCE, **settings)
    return list(quiz_findings(quiz).problems)


def about(found: list[str], words: str) -> list[str]:
    return [p for p in found if words in p]


# --- Rule 1: the key's length -----------------------------------------------------------------


def test_keys_that_are_rarely_the_longest_or_shortest_pass():
    # key longest in 1 of 3 (33 %), shortest in 1 of 3, in between once
    found = problems([single("A much longer key"), single("Ox"), single("Pear")])
    assert about(found, "single-answer") == []


def test_keys_that_are_often_the_longest_are_named():
    found = problems([single("A much longer key"), single("Longer again"), single("Pear")])
    (problem,) = about(found, "(one of) the longest")
    assert problem.startswith(f"{SOURCE}: the right option is (one of) the longest in 2 of 3")
    assert '"q1" (line 11), "q2" (line 21)' in problem
    assert "in at least 1 of" in problem and "make a wrong option longer than the key" in problem


def test_keys_that_are_often_the_shortest_are_named():
    found = problems([single("Ox"), single("Oak", ("Pear", "Plum", "Lime")), single("Pear")])
    (problem,) = about(found, "(one of) the shortest")
    assert "2 of 3 single-answer questions (67 %; at most 35 %)" in problem


# --- Rule 2: the number of right options ------------------------------------------------------


def test_varied_numbers_of_right_options_pass():
    assert about(problems([multiple(1), multiple(2), multiple(3)]), "multiple-answer") == []


def test_mostly_the_same_number_of_right_options_is_named():
    found = problems([multiple(2), multiple(2), multiple(3)])
    (problem,) = about(found, "multiple-answer")
    assert "2 of 3 multiple-answer questions have 2 right options (67 %; at most 60 %)" in problem
    assert 'in at least 1 of "q1" (line 11), "q2" (line 21)' in problem


def test_two_multiple_answer_questions_are_too_few_to_judge():
    assert about(problems([multiple(2), multiple(2)]), "multiple-answer") == []


# --- Rule 3: true/false balance and absolute words -------------------------------------------


def test_balanced_true_false_statements_pass():
    found = problems([statement("It helps.", v) for v in (True, False, True, False)])
    assert about(found, "statements are true") == [] and about(found, "absolute words") == []


def test_mostly_false_statements_are_named():
    found = problems([statement("It helps.", v) for v in (True, False, False, False)])
    (problem,) = about(found, "true/false statements are true")
    assert "1 of 4 true/false statements are true (25 %; keep between 40 % and 60 %)" in problem
    assert 'rewrite at least 1 of "q2" (line 21), "q3" (line 31), "q4" (line 41) as true' in problem


def test_three_statements_are_too_few_to_judge_the_balance():
    found = problems([statement("It helps.", False) for _ in range(3)])
    assert about(found, "true/false statements are true") == []


def test_absolute_words_that_mark_the_false_statements_are_named():
    found = problems(
        [
            statement("It always helps.", False),
            statement("No one can do it alone.", False),
            statement("It helps.", True),
            statement("It helps.", True),
        ]
    )
    (problem,) = about(found, "absolute words")
    assert "(always, no one)" in problem and '"q1" (line 11), "q2" (line 21)' in problem


def test_absolute_words_in_true_statements_too_pass():
    found = problems(
        [
            statement("It always helps.", False),
            statement("It never hurts.", False),
            statement("Everyone deserves respect.", True),
            statement("It helps.", True),
        ]
    )
    assert about(found, "absolute words") == []


# --- Rule 4: options named by letter or place -------------------------------------------------


def test_explanations_that_quote_the_options_pass():
    found = problems(
        [
            single(
                "Pear",
                explanation='"Mango" is right: answer a question with care. B12. In 3 of 4 '
                "programs (2024), 988 answers; step 2 comes later.",
            ),
            statement("It helps.", True, hint="Think of the second one of the two needs."),
        ]
    )
    assert about(found, "letter or place") == []


def test_options_named_by_letter_or_place_are_named_with_their_line():
    cases = [
        "Option (a) is right.",
        "Reply b adds shame.",
        "Answer C is right.",
        "Options a and c both help.",
        "The first option judges.",
        "(d) brushes it off.",
        "Option 3 is best.",
        "Choice (2) lectures.",
        "(4) judges.",
        "The sixth option is kind.",
    ]
    found = problems([single("Pear", explanation=text) for text in cases])
    assert len(about(found, "the explanation names an option by its letter or place")) == 10
    assert any(p.startswith(f'{SOURCE}:11: question "q1": the explanation names') for p in found)
    hint = problems([single("Pear", hint="Not the last one.")])
    assert about(hint, 'the hint names an option by its letter or place ("the last one")')


# --- Rule 5: hints that give the answer away --------------------------------------------------


def test_hints_that_point_to_the_idea_pass():
    found = problems(
        [
            single("Ask what would help right now", hint="What would help? Ask her."),  # 3 words
            single("Fig", ("Ask what would help right now",), hint="Ask what would help right."),
            statement("It helps.", True, hint="Think about what the module says."),
        ]
    )
    assert about(found, "hint") == []


def test_hints_that_repeat_the_right_option_or_the_verdict_are_named():
    found = problems(
        [
            single("Ask what would help right now", hint="Maybe ask what would help?"),
            statement("It helps.", False, hint="Is that really true?"),
        ]
    )
    assert about(found, 'the hint repeats the words of a right option ("ask what would help")')
    assert about(found, f'{SOURCE}:21: question "q2": the hint says "true"')


# --- Rule 6: test-wise guessers --------------------------------------------------------------


def keyed_under(question: Question, key_id: str) -> Question:
    """The question with its options' ids swapped so that the key's id is ``key_id``."""
    swap = {"a": key_id, key_id: "a"}
    options = tuple(Option(swap.get(o.id, o.id), o.text) for o in question.options)
    return replace(question, options=options, answer=frozenset({key_id}))


def test_a_quiz_without_cues_is_beyond_a_guesser():
    colours = ("Red", "Tan", "Fig")
    questions = [keyed_under(single("Ash", colours), "abcd"[i % 4]) for i in range(10)]
    findings = quiz_findings(Quiz(numbered(questions)))
    assert not about(list(findings.problems), "guesser")
    (figure,) = about(list(findings.figures), "guesser")
    assert figure.startswith("worst test-wise guesser passes one attempt 0.04 %")


def test_keys_written_under_one_option_id_are_a_cue():
    """The page's source shows each option's id: a guesser who picks "a" must not pass."""
    colours = ("Red", "Tan", "Fig")
    findings = quiz_findings(Quiz(numbered([single("Ash", colours) for _ in range(10)])))
    (problem,) = about(list(findings.problems), "guesser")
    assert 'pick the option with id "a"' in problem and "100 %" in problem


def test_a_quiz_the_longest_option_passes_is_named_with_the_strategy():
    found = problems([single("A much longer key") for _ in range(6)], draw=5)
    (problem,) = about(found, "guesser")
    assert "passes one attempt 100 % of the time (single: pick the longest; at most 1 %)" in problem


# --- Rule 7: repeats between attempts ---------------------------------------------------------


def test_a_large_enough_pool_passes():
    findings = quiz_findings(Quiz(numbered([single("Pear") for _ in range(8)]), draw=2))
    assert not about(list(findings.problems), "repeats")
    assert "questions repeated in the next attempt: 25 % on average" in findings.figures


def test_a_quiz_that_shows_every_question_every_time_is_named():
    found = problems([single("Pear") for _ in range(8)])
    (problem,) = about(found, "repeats")
    assert problem == (
        f"{SOURCE}: an attempt repeats 100 % of the previous attempt's questions on average "
        "(at most 50 %): write more questions per module, or lower draw"
    )


def test_repeats_count_required_questions_every_time():
    # One required (always repeated) and one of three others: (1 + 3 · (1/3)²) / 2 = 2/3
    questions = numbered([single("Pear") for _ in range(4)])
    quiz = Quiz((replace(questions[0], required=True), *questions[1:]), draw=2)
    assert repeat_share(draw_plan(quiz)) == Fraction(2, 3)
    assert repeat_share(unstratified_plan(Quiz(numbered([single("Pear")] * 16), draw=8))) == 0.5


def test_a_single_attempt_quiz_has_no_next_attempt_to_repeat():
    assert about(problems([single("Pear") for _ in range(8)], max_attempts=1), "repeats") == []
