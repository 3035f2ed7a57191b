"""KeptFragments: a part rendered once per view and context, and rendered afresh for a new view."""

from __future__ import annotations

from jinja2 import Environment

from crosscheck.web.fragments import KeptFragments


class View:
    def __init__(self, text: str):
        self.text = text
        self.renders = 0


def _fragments(kept: int = 2) -> KeptFragments:
    env = Environment(autoescape=True)
    env.globals["count"] = lambda view: setattr(view, "renders", view.renders + 1) or ""
    return KeptFragments(env.from_string("{{ count(story) }}{{ story.text }} {{ verdict }}"), kept, "story")


def test_kept_per_view_and_context_and_escaped():
    parts = _fragments()
    view = View("<b>")
    first = parts(1, view, verdict="all")
    assert first == "&lt;b&gt; all" and parts(1, view, verdict="all") is first and view.renders == 1
    assert parts(1, view, verdict="conflicting") == "&lt;b&gt; conflicting" and view.renders == 2


def test_a_new_view_of_the_same_story_is_rendered_afresh():
    parts = _fragments()
    parts(1, View("old"), verdict="")
    assert parts(1, View("new"), verdict="") == "new "


def test_only_the_last_kept_are_held():
    parts = _fragments(kept=2)
    views = [View(str(i)) for i in range(3)]
    for i, view in enumerate(views):
        parts(i, view, verdict="")
    parts(0, views[0], verdict="")  # pushed out by the other two: rendered again
    assert views[0].renders == 2
    parts(2, views[2], verdict="")
    assert views[2].renders == 1
