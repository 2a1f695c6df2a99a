"""Who may sign off a track's hours: the credential named as whole words, any case."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.rulebook import SupervisorRule
from certificates.supervisors import accepted_text, qualifies, why_not

PEER = SupervisorRule(("CPRS", "LCSW", "Certified Peer Supervisor"))


@pytest.mark.parametrize(
    ("credential", "expected"),
    [
        ("CPRS #1234", True),
        ("cprs", True),
        ("Licensed Clinical Social Worker (LCSW)", True),
        ("MSW, lcsw-r", True),
        ("certified  peer\nsupervisor since 2019", True),
        ("NOTCPRS", False),
        ("CPRS1234", False),
        ("LCSWA", False),
        ("Certified Peer Specialist", False),
        ("C.P.R.S.", False),
        ("", False),
        (None, False),
    ],
)
def test_the_credential_must_name_an_accepted_one_as_whole_words(credential, expected):
    assert qualifies(PEER, credential) is expected
    assert (why_not(PEER, credential) == "") is expected


@pytest.mark.parametrize("credential", ["", None, "anything at all"])
def test_a_track_that_lists_no_credentials_lets_anyone_sign(credential):
    assert qualifies(SupervisorRule(), credential)
    assert qualifies(SupervisorRule(("  ",)), credential)
    assert why_not(SupervisorRule(), credential) == ""


def test_the_message_names_the_accepted_credentials_and_who_can_help():
    message = why_not(PEER, "MSW")
    assert "CPRS, LCSW or Certified Peer Supervisor" in message
    assert "Your recorded credential is “MSW”" in message
    assert "ask your program lead to update your credential" in message
    assert "No credential is recorded for you" in why_not(PEER, "  ")
    described = SupervisorRule(("CPS",), "certified peer supervisors with two years' experience")
    assert "CPS (certified peer supervisors with two years' experience)" in why_not(described, "")


def test_the_accepted_credentials_read_as_a_list():
    assert accepted_text(SupervisorRule(("CPRS",))) == "CPRS"
    assert accepted_text(SupervisorRule(("CPRS", "LCSW"))) == "CPRS or LCSW"
    assert accepted_text(SupervisorRule()) == ""


words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=6)


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@given(accepted=words, before=st.text(max_size=12), after=st.text(max_size=12))
def test_a_credential_standing_alone_qualifies_in_any_case(accepted, before, after):
    rule = SupervisorRule((accepted,))
    alone = not (before and _word_char(before[-1])) and not (after and _word_char(after[0]))
    if alone:
        assert qualifies(rule, f"{before}{accepted.lower()}{after}")
    assert qualifies(rule, f"{before} {accepted.title()} {after}")


@given(accepted=words, before=st.sampled_from("XYZ1_"), after=st.sampled_from("XYZ9_"))
def test_a_credential_inside_a_longer_word_does_not_qualify(accepted, before, after):
    rule = SupervisorRule((accepted,))
    assert not qualifies(rule, f"{before}{accepted}")
    assert not qualifies(rule, f"{accepted}{after}")
    assert not qualifies(rule, f"{before}{accepted}{after} and {before}{accepted}")
