"""A copied entry saved with a mistake: the form comes back with the values and still says
which entry it was copied from; an id that is not the trainee's own entry is ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.helpers import count, hours_form, html_of, make_entry, make_user, post, sign_in, text_of
from training.models import HoursEntry, Role

TODAY = datetime.now(UTC).date()


def test_a_copy_saved_with_a_mistake_still_says_where_it_came_from(client, people):
    trainee, supervisor, _ = people
    entry = make_entry(trainee, supervisor, "approved", day=TODAY - timedelta(days=20))
    sign_in(client, trainee)
    form = html_of(client.get(f"/hours/{entry.id}/copy"))
    assert f'name="copied" type="hidden" value="{entry.id}"' in form
    data = hours_form(supervisor, hours="0", minutes="0", notes="Copied notes", copied=entry.id)
    answer = post(client, "/hours/new", data)
    assert answer.status_code == 400
    assert f"Copied from your entry of {entry.day:%-d %B %Y}" in text_of(answer)
    assert "Copied notes" in html_of(answer)
    assert f'name="copied" type="hidden" value="{entry.id}"' in html_of(answer)
    assert count(HoursEntry) == 1


def test_someone_elses_entry_id_is_ignored(client, people):
    trainee, supervisor, _ = people
    stranger = make_user(Role.TRAINEE)
    theirs = make_entry(stranger, supervisor, "approved", day=TODAY - timedelta(days=9))
    sign_in(client, trainee)
    for copied in (str(theirs.id), "nonsense", "99999"):
        data = hours_form(supervisor, hours="0", minutes="0", copied=copied)
        answer = post(client, "/hours/new", data)
        assert answer.status_code == 400
        assert "Copied from" not in text_of(answer)
        assert 'name="copied"' not in html_of(answer)
