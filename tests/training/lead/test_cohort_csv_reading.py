"""Reading a file of trainees' email addresses (pure, no app): one a line or an ``email`` column,
each row's problems on it, the file as a whole refused in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.lead.cohort_csv import (
    COHORT_CSV_MAX_ROWS,
    Account,
    EmailRow,
    read_emails,
    with_accounts,
)
from training.lead.people_csv import PEOPLE_CSV_MAX_BYTES, CsvRefused


def test_one_address_a_line_in_any_case_with_blank_lines_and_a_byte_order_mark():
    rows = read_emails("\ufeffRiley@Example.org\r\n\r\n  sam@example.org  \n")
    assert [(r.number, r.email, r.errors) for r in rows] == [
        (1, "riley@example.org", ()),
        (3, "sam@example.org", ()),
    ]


@pytest.mark.parametrize("header", ["email", "Email", "E-mail", "email address"])
def test_a_spreadsheet_with_an_email_column_among_others(header):
    text = f"name;{header};phone\nRiley Chen;riley@example.org;555\nSam;sam@example.org\n"
    rows = read_emails(text)
    assert [(r.number, r.email) for r in rows] == [(2, "riley@example.org"), (3, "sam@example.org")]


def test_each_bad_row_says_what_is_wrong_and_the_others_stand():
    rows = read_emails("riley@example.org\nnot an address\nRILEY@example.org\na@b.org, c@d.org\n")
    by_number = {r.number: r for r in rows}
    assert by_number[1].errors == ()
    assert by_number[2].errors == ("This is not an email address like name@example.org.",)
    assert by_number[3].errors == ("The same address is on row 1: added once.",)
    assert "more than one value" in by_number[4].errors[0]


def test_a_missing_cell_in_the_email_column_is_a_problem_of_its_row():
    rows = read_emails("name,email\nRiley\n")
    assert rows[0].errors == ("Enter an email address.",)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "The file is empty"),
        ("  \n\n", "The file is empty"),
        ("email\n", "no addresses"),
        ("a@b.org\n\x00c@d.org\n", "hidden control character"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_in_words(text, words):
    with pytest.raises(CsvRefused, match=words):
        read_emails(text)


def test_too_many_rows_or_bytes_are_refused():
    many = "".join(f"p{i}@example.org\n" for i in range(COHORT_CSV_MAX_ROWS + 1))
    with pytest.raises(CsvRefused, match=f"at most {COHORT_CSV_MAX_ROWS} at a time"):
        read_emails(many)
    assert len(read_emails(many[: many.index(f"p{COHORT_CSV_MAX_ROWS}@")])) == COHORT_CSV_MAX_ROWS
    with pytest.raises(CsvRefused, match="MB"):
        read_emails("a@b.org\n" * (PEOPLE_CSV_MAX_BYTES // 8 + 1))


def test_the_database_facts_explain_each_refusal():
    rows = [EmailRow(n, f"p{n}@example.org") for n in range(1, 7)]
    accounts = {
        "p1@example.org": Account(1, "Ann", "trainee", True, None, None),
        "p2@example.org": Account(2, "Bo", "supervisor", True, None, None),
        "p3@example.org": Account(3, "Cy", "trainee", False, None, None),
        "p4@example.org": Account(4, "Di", "trainee", True, 7, "Spring 2026"),
        "p5@example.org": Account(5, "Ed", "trainee", True, 8, "Autumn 2026"),
    }
    checked = {r.number: r for r in with_accounts(rows, accounts, cohort_id=7)}
    assert checked[1].errors == () and checked[1].user_id == 1 and checked[1].name == "Ann"
    assert checked[2].errors == ("Bo is not a trainee: only trainees join a cohort.",)
    assert checked[3].errors == ("Cy's account is deactivated.",)
    assert checked[4].errors == ("Di is already in this cohort.",)
    assert "already in the cohort “Autumn 2026”" in checked[5].errors[0]
    assert "Nobody has an account with this address" in checked[6].errors[0]


@given(st.lists(st.text(max_size=40), max_size=30))
def test_any_text_is_read_or_refused_in_words_never_a_crash(lines):
    try:
        rows = read_emails("\n".join(lines))
    except CsvRefused as refused:
        assert str(refused)
        return
    assert rows and all(r.email or r.errors for r in rows)
    good = [r.email for r in rows if not r.errors]
    assert len(good) == len(set(good))  # an address is added once
