"""Course content is read once per process for the same files (an app made for each test, or a
second app in one process, does not read and render every course again), and read afresh when
any file changed."""

from __future__ import annotations

from tests.helpers import write_course
from training import content
from training.content import ContentStore


def test_the_same_files_are_loaded_once_and_changed_files_again(tmp_path):
    write_course(tmp_path)
    first, second = ContentStore(tmp_path), ContentStore(tmp_path)
    assert first.library is second.library  # one load, shared
    assert [c.id for c in first.library.courses] == ["basics"]

    toml = tmp_path / "courses" / "basics" / "course.toml"
    toml.write_text(toml.read_text().replace('title = "', 'title = "Changed: ', 1))
    changed = ContentStore(tmp_path)
    assert changed.library is not first.library
    assert changed.library.courses[0].title.startswith("Changed: ")
    assert not first.library.courses[0].title.startswith("Changed: ")  # a running app keeps its


def test_a_file_that_cannot_be_read_while_hashing_still_loads_the_content(tmp_path, monkeypatch):
    """An editor's swap file vanishing mid-scan must not take the courses down."""
    write_course(tmp_path)

    def vanished(paths, base):  # type: ignore[no-untyped-def]
        raise FileNotFoundError(tmp_path / "courses" / ".module.md.swp")

    monkeypatch.setattr(content, "files_version", vanished)
    assert [c.id for c in ContentStore(tmp_path).library.courses] == ["basics"]
