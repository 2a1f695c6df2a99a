"""A file naming an existing trainee's address twice: the repeated row names the person too,
and says where the address first was."""

from __future__ import annotations

import io
import re

from tests.helpers import html_of, make_cohort, make_user, post, sign_in
from training.models import Role


def _row(html: str, number: int) -> str:
    match = re.search(rf'<tr id="row-{number}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {number}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_a_repeated_address_names_the_person_and_the_first_row(app, client):
    cohort = make_cohort()
    riley = make_user(Role.TRAINEE, name="Riley Chen", email="riley@example.org")
    sign_in(client, make_user(Role.LEAD))
    data = {"emails_file": (io.BytesIO(b"email\nriley@example.org\nRILEY@example.org\n"), "a.csv")}
    answer = post(
        client,
        f"/lead/cohorts/{cohort.id}/trainees/csv",
        data,
        content_type="multipart/form-data",
    )
    html = html_of(answer)
    repeated = _row(html, 3)
    assert "Riley Chen" in repeated and "No account" not in repeated
    assert "The same address is on row 2" in repeated
    assert f'href="/lead/people/{riley.id}' in re.search(r'<tr id="row-3".*?</tr>', html, re.S)[0]
