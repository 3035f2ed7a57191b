"""Parts of a page that are the same for every reader, rendered once and kept.

A big story's page lists hundreds of claim groups, pickups and contributions; rendering them
took most of a request at 56k stored. They change only when the read model does, and
Engine.story_page hands out the same StoryPage object until the store changes, so a part
rendered from that object stays right for as long as the object is the one handed out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from jinja2 import Template
from markupsafe import Markup


class KeptFragments:
    """`template` rendered per (view, context), for the last `kept` of them. The view is
    compared by identity: a new read model (the store changed) is rendered afresh."""

    def __init__(self, template: Template, kept: int, name: str):
        self.template = template
        self.name = name  # what the template calls the view
        self.kept = kept
        self._held: OrderedDict[tuple, tuple[Any, Markup]] = OrderedDict()
        self._lock = threading.Lock()  # pages are served from a thread pool

    def __call__(self, key: Any, view: Any, **context: Any) -> Markup:
        slot = (key, *sorted(context.items()))
        with self._lock:
            held = self._held.get(slot)
            if held is not None and held[0] is view:
                self._held.move_to_end(slot)
                return held[1]
        # rendered outside the lock: two threads may render the same part once each, which
        # is cheaper than making every reader wait behind one render
        html = Markup(self.template.render({self.name: view, **context}))
        with self._lock:
            self._held[slot] = (view, html)
            self._held.move_to_end(slot)
            while len(self._held) > self.kept:
                self._held.popitem(last=False)
        return html
