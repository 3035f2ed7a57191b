"""robots.txt, when the user asks crosscheck to respect it (--respect-robots).

Read as RFC 9309 says: a robots.txt that is missing (any 4xx) allows everything;
one that cannot be read (5xx, network error) disallows everything on its site
until it can. Rules are kept per site for an hour, so a watch that polls all
day asks each site again now and then, not before every page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from .errors import InputError

ROBOTS_AGENT = "crosscheck"  # the product token of urls.USER_AGENT, which rules name
ROBOTS_TTL = 3600.0
ROBOTS_MAX_BYTES = 512 * 1024

# (status, body) of a GET of a robots.txt URL; raises InputError when it cannot be fetched
RobotsGetter = Callable[[str], tuple[int, bytes]]


def parse_robots(status: int | None, body: bytes) -> RobotFileParser:
    """The rules a robots.txt response gives; status None means it could not be fetched."""
    rules = RobotFileParser()
    if status is None or status >= 500:
        rules.disallow_all = True
    elif status >= 400:
        rules.allow_all = True
    else:
        rules.parse(body.decode("utf-8", errors="replace").splitlines())
    return rules


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


class RobotsRules:
    """Whether crosscheck may fetch a URL, asking each site's robots.txt once an hour."""

    def __init__(self, get: RobotsGetter, clock: Callable[[], float] = time.monotonic):
        self._get = get
        self._clock = clock
        self._sites: dict[str, tuple[float, RobotFileParser]] = {}

    def check(self, url: str) -> None:
        """InputError when the site's robots.txt disallows the URL."""
        site = robots_url(url)
        held = self._sites.get(site)
        if held is None or self._clock() - held[0] > ROBOTS_TTL:
            try:
                status, body = self._get(site)
            except InputError:
                status, body = None, b""
            held = (self._clock(), parse_robots(status, body))
            self._sites[site] = held
        if not held[1].can_fetch(ROBOTS_AGENT, url):
            raise InputError(f"robots.txt of {urlsplit(url).netloc} disallows {url} "
                             f"(drop --respect-robots to fetch it anyway)")
