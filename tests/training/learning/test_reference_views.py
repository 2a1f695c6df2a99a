"""The glossary page and its links from modules; the facilitator's guide, for leads and
supervisors only."""

import re

import pytest

from tests.courses.test_facilitation import GOOD as GUIDE
from tests.helpers import html_of, make_user, sign_in, text_of, write_course
from training.content import ContentStore
from training.models import Role

GLOSSARY = """\
[[terms]]
term = "Recovery capital"
definition = "The resources a person can draw on to start and keep their recovery."
source = "Granfield & Cloud 1999; Cloud & Granfield 2008"

[[terms]]
term = "Naloxone"
forms = ["naloxone"]
definition = "A medicine that reverses an opioid overdose."
"""


@pytest.fixture
def served(app, tmp_path):
    folder = write_course(
        tmp_path,
        modules={
            "first": "# First steps\n\nCarry naloxone. Naloxone saves lives.\n\n## More\n\nText.\n",
            "second": "# Second steps\n\nYour recovery capital.\n",
        },
    )
    (folder / "facilitator.md").write_text(GUIDE)
    (tmp_path / "glossary.toml").write_text(GLOSSARY)
    app.extensions["content"] = ContentStore(tmp_path)
    return folder


def as_role(client, role):
    user = make_user(role)
    sign_in(client, user)
    return user


@pytest.mark.parametrize("role", list(Role))
def test_everyone_signed_in_reads_the_glossary_in_letter_order(client, served, role):
    as_role(client, role)
    response = client.get("/learn/glossary")
    assert response.status_code == 200
    page = html_of(response)
    assert page.index('id="naloxone"') < page.index('id="recovery-capital"')
    text = text_of(response)
    assert "Naloxone A medicine that reverses an opioid overdose." in text
    assert "(Granfield & Cloud 1999; Cloud & Granfield 2008)" in text


def test_signed_out_visitors_are_sent_to_sign_in(client, served):
    assert client.get("/learn/glossary").status_code == 302
    assert client.get("/learn/basics/guide/facilitator").status_code == 302


def test_a_module_links_each_terms_first_appearance_to_the_glossary(client, served):
    as_role(client, Role.TRAINEE)
    page = html_of(client.get("/learn/basics/first"))
    assert page.count('href="/learn/glossary#naloxone"') == 1
    assert re.search(
        r'Carry <a class="term" href="/learn/glossary#naloxone"[^>]*>naloxone</a>\. Naloxone saves',
        page,
    )


@pytest.mark.parametrize("role", [Role.LEAD, Role.SUPERVISOR])
def test_leads_and_supervisors_read_the_facilitators_guide_from_the_course(client, served, role):
    as_role(client, role)
    course = html_of(client.get("/learn/basics/"))
    assert 'href="/learn/basics/guide/facilitator"' in course
    response = client.get("/learn/basics/guide/facilitator")
    assert response.status_code == 200
    text = text_of(response)
    assert "Facilitator's guide: Basics" in text
    assert "Observer checklist" in text and "Asks directly about suicide" in text
    assert "Trainees do not see this page" in text


def test_trainees_neither_see_nor_open_the_facilitators_guide(client, served):
    as_role(client, Role.TRAINEE)
    assert "guide/facilitator" not in html_of(client.get("/learn/basics/"))
    assert client.get("/learn/basics/guide/facilitator").status_code == 403


def test_a_course_without_a_guide_has_no_guide_page(client, served):
    (served / "facilitator.md").unlink()
    client.application.extensions["content"] = ContentStore(served.parent.parent)
    as_role(client, Role.LEAD)
    assert "guide/facilitator" not in html_of(client.get("/learn/basics/"))
    assert client.get("/learn/basics/guide/facilitator").status_code == 404
    assert client.get("/learn/nope/guide/facilitator").status_code == 404
