"""The facilitator's guide: the shape that makes one live session runnable, and its problems."""

import textwrap

import pytest

from courses.facilitation import guide_problems, load_guide, parse_guide

GOOD = textwrap.dedent(
    """\
    # Facilitator's guide: Basics

    One live session of 60 minutes for 6 to 12 trainees.

    ## Before the session
    - Print the checklists.

    ## Agenda

    | Start | Minutes | Activity |
    |-------|---------|----------|
    | 0:00 | 10 | Welcome |
    | 0:10 | 30 | Role-plays |
    | 0:40 | 20 | Discussion |

    ## Role-play 1: Luis at the first meeting
    **Roles:** peer, Luis, observer
    ### Observer checklist
    - Reflects a feeling
    - Gives no advice
    - Checks the guess
    ### Debrief
    - What helped?

    ## Role-play 2: Omar says "what's the point"
    ### Observer checklist
    - Asks directly about suicide
    - Stays with Omar
    - Names the next step

    ## Discussion questions
    1. What surprised you?
    2. What would you do differently?
    3. Who do you call?

    ## Safety notes for the facilitator
    - Anyone may step out.
    """
)


def test_a_complete_guide_has_no_problems():
    guide = parse_guide(GOOD, source="facilitator.md")
    assert guide.title == "Facilitator's guide: Basics"
    assert guide.session_minutes == 60
    assert guide.agenda_minutes == (10, 30, 20)
    assert [p.checklist_points for p in guide.role_plays] == [3, 3]
    assert guide.discussion_questions == 3
    assert guide_problems(guide, "basics") == []
    assert not guide.markdown.startswith("# ")  # the page shows the title once


def test_an_agenda_that_does_not_add_up_is_reported():
    guide = parse_guide(GOOD.replace("| 0:40 | 20 |", "| 0:40 | 25 |"), source="f.md")
    assert guide_problems(guide, "basics") == [
        "f.md: the agenda adds up to 65 minutes, not the 60 the guide promises"
    ]


def test_each_missing_part_is_named_with_its_line():
    thin = GOOD.replace("- Checks the guess\n", "").replace("3. Who do you call?\n", "")
    thin = thin.replace("## Safety notes for the facilitator", "## Notes")
    problems = guide_problems(parse_guide(thin, source="f.md"), "basics")
    assert problems == [
        'f.md:16: "Role-play 1: Luis at the first meeting" needs an "### Observer checklist" '
        "of at least 3 points",
        'f.md: "## Discussion questions" needs at least 3 numbered questions',
        'f.md: no "## Safety notes for the facilitator" section',
    ]


def test_no_length_no_agenda_one_role_play_and_raw_html_are_reported():
    text = "# Facilitator's guide: X\n\nA session.\n\n## Role-play 1: A\n<script>x</script>\n"
    problems = guide_problems(parse_guide(text, source="f.md"), "x")
    assert 'f.md: say how long the session is: "One live session of 90 minutes …"' in problems
    assert 'f.md: no "## Agenda" section' in problems
    assert 'f.md: write at least 2 "## Role-play …" sections' in problems
    assert any("raw HTML <script>" in p for p in problems)


def test_a_wrong_title_and_a_non_number_in_the_agenda_are_reported():
    text = GOOD.replace("# Facilitator's guide: Basics", "# Guide").replace("| 10 |", "| ten |")
    problems = guide_problems(parse_guide(text, source="f.md"), "basics")
    assert problems[0] == 'f.md:1: the first line must be "# Facilitator\'s guide: <course title>"'
    assert "f.md: the agenda needs a table with a Minutes column of whole numbers" in problems


def test_a_folder_without_a_guide_has_none(tmp_path):
    assert load_guide(tmp_path) is None


@pytest.mark.parametrize("cell", ["²", "1e3", "-5", "99999"])
def test_a_minutes_cell_that_is_not_a_plain_number_is_a_problem_not_a_crash(cell):
    guide = parse_guide(GOOD.replace("| 0:10 | 30 |", f"| 0:10 | {cell} |"), source="f.md")
    assert "f.md: the agenda needs a table with a Minutes column of whole numbers" in (
        guide_problems(guide, "basics")
    )


def test_a_guide_that_is_not_utf8_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "facilitator.md").write_bytes("# Facilitator\xe9".encode("latin-1"))
    guide = load_guide(tmp_path)
    assert any("is not UTF-8 text" in p for p in guide_problems(guide, "basics"))
