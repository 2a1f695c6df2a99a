"""The glossary: loading its file, and linking each term's first appearance in a module."""

import re
import textwrap

import pytest

from courses.glossary import glossary_problems, load_glossary
from courses.rendering import render_markdown

TERMS = textwrap.dedent(
    """\
    [[terms]]
    term = "Recovery capital"
    forms = ["recovery capital"]
    definition = "The resources a person can draw on to start and keep their recovery."

    [[terms]]
    term = "Naloxone"
    forms = ["naloxone", "narcan"]
    definition = "A medicine that reverses an opioid overdose."
    source = "domain.md"

    [[terms]]
    term = "42 CFR Part 2"
    definition = "The US rule that protects substance use disorder records."
    """
)


def glossary_at(tmp_path, text=TERMS):
    (tmp_path / "glossary.toml").write_text(text)
    return load_glossary(tmp_path)


def links(html):
    return re.findall(r'<a class="term" href="([^"]+)"[^>]*>([^<]+)</a>', html)


def test_terms_load_sorted_with_slugs_and_default_forms(tmp_path):
    glossary = glossary_at(tmp_path)
    assert glossary.problems == ()
    assert [(t.term, t.slug) for t in glossary.terms] == [
        ("42 CFR Part 2", "42-cfr-part-2"),
        ("Naloxone", "naloxone"),
        ("Recovery capital", "recovery-capital"),
    ]
    assert glossary.term_for("42 cfr part 2").slug == "42-cfr-part-2"
    assert glossary.version


def test_the_first_appearance_of_each_term_links_and_later_ones_do_not(tmp_path):
    text = (
        "# Naloxone\n\nGive **Naloxone** first; naloxone again.\n\n"
        "Her recovery capital grows. Narcan is a brand of it.\n\n"
        '!!! warning "Safety"\n    Carry naloxone. See 42 CFR Part 2 and [naloxone](https://x.org).\n'
    )
    html = render_markdown(text, glossary_at(tmp_path), "/learn/glossary")
    assert links(html) == [
        ("/learn/glossary#naloxone", "Naloxone"),
        ("/learn/glossary#recovery-capital", "recovery capital"),
        ("/learn/glossary#42-cfr-part-2", "42 CFR Part 2"),
    ]
    assert 'id="naloxone">Naloxone<' in html  # headings are never linked
    assert "Give <strong>" in html and "; naloxone again." in html


def test_words_inside_other_words_do_not_link(tmp_path):
    html = render_markdown("Pre-naloxone and naloxones.\n", glossary_at(tmp_path), "/g")
    assert links(html) == []


def test_without_a_glossary_nothing_links(tmp_path):
    assert links(render_markdown("Give naloxone.\n")) == []
    assert load_glossary(tmp_path).terms == ()  # no file: an empty glossary, no problem


def test_bad_entries_are_reported_with_their_line_and_left_out(tmp_path):
    text = TERMS + textwrap.dedent(
        """\

        [[terms]]
        term = "Narcan"
        definition = "A brand of naloxone."

        [[terms]]
        term = "Empty"
        colour = "red"
        """
    )
    glossary = glossary_at(tmp_path, text)
    assert [t.term for t in glossary.terms] == ["42 CFR Part 2", "Naloxone", "Recovery capital"]
    problems = "\n".join(glossary.problems)
    assert 'glossary.toml:17: "narcan" already links to "Naloxone"' in problems
    assert 'glossary.toml:21: "definition" is missing' in problems and "colour" in problems


def test_a_term_no_module_uses_is_a_problem(tmp_path):
    glossary = glossary_at(tmp_path)
    problems = glossary_problems(glossary, ["Give naloxone.", "Part 2: 42 CFR Part 2"], tmp_path)
    assert len(problems) == 1 and '"Recovery capital" appears in no module' in problems[0]


QUOTED = """\
[[terms]]
term = "The four R's"
forms = ["four r's"]
definition = "Realise, recognise, respond and resist re-traumatising: SAMHSA's four R's."

[[terms]]
term = "Your \\"why\\""
forms = ["your \\"why\\""]
definition = "The reason you do this work, which you come back to when it gets hard."

[[terms]]
term = "Warm hand-off"
definition = "Making the call together and staying until someone takes over."
"""


def test_terms_with_quotes_link_whether_written_straight_or_curly(tmp_path):
    glossary = glossary_at(tmp_path, QUOTED)
    for text in ("SAMHSA's four R's guide it. Remember your \"why\".\n",
                 "SAMHSA’s four R’s guide it. Remember your “why”.\n"):  # fmt: skip
        slugs = [href for href, _ in links(render_markdown(text, glossary, "/g"))]
        assert slugs == ["/g#the-four-r-s", "/g#your-why"], text


def test_a_term_split_over_a_line_break_links_and_callout_titles_do_not(tmp_path):
    glossary = glossary_at(tmp_path, QUOTED)
    text = '!!! tip "A warm hand-off"\n    Offer a warm\n    hand-off today.\n'
    html = render_markdown(text, glossary, "/g")
    assert links(html) == [("/g#warm-hand-off", "warm\nhand-off")]
    assert '<p class="admonition-title">A warm hand-off</p>' in html


def test_the_check_counts_a_term_as_used_only_where_a_module_links_it(tmp_path):
    glossary = glossary_at(tmp_path, QUOTED)
    texts = ["## The four R's\n\nNo link in a heading.\n", "Your “why” matters.\n"]
    problems = glossary_problems(glossary, texts, tmp_path)
    assert [p.split(": ", 1)[1] for p in problems] == [
        '"The four R\'s" appears in no module: use it where it is taught, or drop it',
        '"Warm hand-off" appears in no module: use it where it is taught, or drop it',
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('term = "Blank"\nforms = ["  "]\ndefinition = "d"\n', '"forms" has an empty phrase'),
        ('term = "naloxone!"\nforms = ["nx"]\ndefinition = "d"\n', "would share the address"),
        ('term = "+/-"\nforms = ["plus"]\ndefinition = "d"\n', "needs a letter or digit"),
    ],
)
def test_entries_that_would_break_links_are_refused(tmp_path, extra, expected):
    glossary = glossary_at(tmp_path, TERMS + "\n[[terms]]\n" + extra)
    assert any(expected in p for p in glossary.problems), glossary.problems
    assert len(glossary.terms) == 3
