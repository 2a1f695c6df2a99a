from pathlib import Path

import pytest

from certificates.tracks import load_tracks

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_the_shipped_track_asks_what_the_credential_asks():
    tracks = load_tracks(CONTENT)
    assert tracks.problems == ()
    track = tracks.track("peer-recovery")
    assert track.hours.practice_minutes == 500 * 60
    assert track.hours.supervision_minutes == 25 * 60
    assert sum(track.hours.supervision_by_domain.values()) <= track.hours.supervision_minutes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('summary = "s"\n', 'peer.toml: "title" is missing'),
        ('title = "t"\nsummary = "s"\ncolour = 1\n', 'peer.toml:3: unknown field "colour"'),
        (
            'title = "t"\nsummary = "s"\n[supervision]\nhours = -1\n',
            "peer.toml:3: [supervision] hours must be",
        ),
        (
            'title = "t"\nsummary = "s"\n[supervision]\nhours = 1\n[supervision.by_domain]\ncooking = 1\n',
            'unknown domain "cooking"',
        ),
        (
            'title = "t"\nsummary = "s"\n[supervision]\nhours = 1\n[supervision.by_domain]\nadvocacy = 2\n',
            "add up to more than",
        ),
        ("title = [", "not valid TOML"),
    ],
)
def test_track_mistakes_are_reported(tmp_path, text, expected):
    (tmp_path / "tracks").mkdir()
    (tmp_path / "tracks" / "peer.toml").write_text(text)
    tracks = load_tracks(tmp_path)
    assert tracks.tracks == ()
    assert any(expected in p for p in tracks.problems), tracks.problems


def test_validity_runs_in_calendar_months():
    from datetime import date

    track = load_tracks(CONTENT).track("peer-recovery")
    assert track.expiry(date(2026, 11, 22)) == date(2028, 11, 22)
    assert track.expiry(date(2028, 2, 29)) == date(2030, 2, 28)
