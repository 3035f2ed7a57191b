"""POST an alert to a webhook: the same SSRF guard as fetching, a few quick retries.

A delivery that still fails is not dropped: the caller keeps it in the outbox
and tries again later (retry_delay), for as long as the follow exists. So a
delivery may arrive more than once: each carries X-Crosscheck-Delivery (the same
id on every attempt) for the receiver to drop repeats, and X-Crosscheck-Signature,
an HMAC-SHA256 of the body under the follow's secret, for it to check the sender.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ..errors import FetchFailed
from ..ingest.errors import InputError
from ..ingest.urls import USER_AGENT, Resolver, check_url, pinned, system_resolver

TIMEOUT = 10.0
QUICK_RETRY_PAUSES = (0.5, 2.0)  # between the attempts of one round
LATER_FIRST = 60.0  # then the next round waits 1 min, 2, 4, … at most MAX_DELAY
MAX_DELAY = 3600.0


@dataclass(slots=True)
class DeliveryRound:
    """What one pass over the due alerts did."""

    delivered: list[int] = field(default_factory=list)  # delivery ids
    failed: list[tuple[int, str]] = field(default_factory=list)  # (delivery id, last error)
    pending: int = 0  # still queued after the pass, due now or later


class DeliveryError(FetchFailed):
    """A webhook did not accept an alert; the message says why."""


class WebhookRefused(DeliveryError):
    """The webhook's address is not allowed (or not a URL): retrying at once will not help."""


def check_webhook(url: str, *, allow_private: bool = False, resolve: Resolver = system_resolver) -> None:
    """InputError unless `url` is an http(s) URL on a public address (or private ones are allowed)."""
    check_url(url, allow_private=allow_private, resolve=resolve)


def signature(secret: str, body: bytes) -> str:
    """The X-Crosscheck-Signature of a body: "sha256=" and the hex HMAC-SHA256 under the follow's
    secret. A receiver computes the same over the raw body and compares in constant time."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_alert(url: str, body: bytes, *, delivery_id: int, allow_private: bool = False,
               resolve: Resolver = system_resolver, transport: httpx.BaseTransport | None = None,
               timeout: float = TIMEOUT, secret: str | None = None) -> None:
    """One POST; DeliveryError unless the webhook answers 2xx. Redirects are not followed:
    a webhook that moved is a failure to report, not a hop to an unchecked address."""
    try:
        target = pinned(url, allow_private=allow_private, resolve=resolve)  # the address checked is the one used
    except InputError as exc:
        raise WebhookRefused(str(exc)) from exc
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json",
               "X-Crosscheck-Delivery": str(delivery_id), **target.headers}
    if secret:
        headers["X-Crosscheck-Signature"] = signature(secret, body)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client:
            response = client.post(target.url, content=body, headers=headers, extensions=target.extensions)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise DeliveryError(f"cannot reach {url} ({type(exc).__name__}: {exc})") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code} from {url}")


def deliver(url: str, body: bytes, *, delivery_id: int, pauses: tuple[float, ...] = QUICK_RETRY_PAUSES,
            sleep: Callable[[float], None] = time.sleep, **options) -> tuple[int, str | None]:
    """Up to len(pauses) + 1 attempts: (attempts made, None) on success, else (attempts, last error)."""
    error = None
    for attempt in range(len(pauses) + 1):
        if attempt:
            sleep(pauses[attempt - 1])
        try:
            post_alert(url, body, delivery_id=delivery_id, **options)
            return attempt + 1, None
        except WebhookRefused as exc:
            return attempt + 1, str(exc)
        except DeliveryError as exc:
            error = str(exc)
    return attempt + 1, error


def retry_delay(rounds_failed: int) -> float:
    """Seconds before the next round for a delivery whose rounds all failed so far."""
    return min(LATER_FIRST * 2 ** max(rounds_failed - 1, 0), MAX_DELAY)
