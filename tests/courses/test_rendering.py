"""Markdown rendering: the features authors use work, and nothing unsafe survives."""

from courses.rendering import RenderCache, render_markdown, sanitise


def test_tables_heading_anchors_and_callouts_render():
    html = render_markdown(
        "## Two kinds\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        '!!! tip "Try this"\n    Breathe first.\n'
    )
    assert '<h2 id="two-kinds">' in html
    assert 'href="#two-kinds"' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert '<div class="admonition tip">' in html
    assert '<p class="admonition-title">Try this</p>' in html


def test_script_and_event_handlers_never_survive():
    html = render_markdown(
        "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> "
        '<a href="javascript:alert(3)">x</a> <span style="color:red">s</span>'
    )
    for unsafe in ("<script", "alert(1)", "onerror", "javascript:", "style=", "<img"):
        assert unsafe not in html


def test_links_get_safe_rel_and_unknown_classes_are_dropped():
    html = sanitise(
        '<a href="https://example.org" class="evil">x</a><div class="admonition x">y</div>'
    )
    assert 'rel="noopener noreferrer"' in html
    assert "evil" not in html
    assert 'class="admonition"' in html


def test_render_cache_renders_once_per_version(monkeypatch):
    calls = []
    import courses.rendering as rendering

    real = rendering.render_markdown
    monkeypatch.setattr(
        rendering, "render_markdown", lambda text, *extra: calls.append(text) or real(text)
    )
    cache = RenderCache()
    first = cache.html("c", "v1", "m", "# Hi\n\ntext")
    assert cache.html("c", "v1", "m", "# Hi\n\ntext") == first
    assert len(calls) == 1
    cache.html("c", "v2", "m", "# Hi\n\nnew text")
    assert len(calls) == 2
