"""Fetch article pages over HTTP, safely: only what the user named, nothing private.

Every hop (the first request and each redirect) is checked after DNS
resolution: loopback, private, link-local (cloud metadata lives there),
multicast, reserved and unspecified addresses are refused unless the user
allows private addresses explicitly. Responses are capped in time, in bytes
(after decompression, so a compression bomb stops at the cap), in redirects,
and by content type.
"""

from __future__ import annotations

import ipaddress
import socket
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from ..links import UNSAFE_CHARACTERS
from .errors import InputError
from .robots import ROBOTS_MAX_BYTES, RobotsRules

USER_AGENT = "crosscheck/0.1 (+https://github.com/crosscheck; news cross-checking)"
DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")

Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve host {host!r} ({exc.strerror})") from exc
    except UnicodeError as exc:  # "..", a label over 63 characters: IDNA cannot encode it
        raise InputError(f"cannot resolve host {host!r} (not a valid host name)") from exc


def forbidden_reason(address: str) -> str | None:
    """Why an address must not be fetched from, or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for flag, reason in (("is_loopback", "loopback"), ("is_link_local", "link-local (cloud metadata)"),
                         ("is_multicast", "multicast"), ("is_unspecified", "unspecified"),
                         ("is_reserved", "reserved"), ("is_private", "private")):
        if getattr(ip, flag):
            return reason
    # only global addresses pass: a list of blocked ranges always misses one (100.64.0.0/10,
    # carrier-grade NAT, is where some clouds keep their metadata service)
    if not ip.is_global:
        return "non-global (special-purpose)"
    return None


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200

    @property
    def not_modified(self) -> bool:
        """A conditional GET found the resource unchanged (304): there is no body."""
        return self.status == 304


def check_url(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> str:
    """The address `url` may be connected to: its host resolved once, and every address it
    resolves to checked (unless private ones are allowed). InputError otherwise. Connecting
    anywhere but this address would let a host that answers "public" to the check and
    "127.0.0.1" to the connection through (DNS rebinding), so `pinned` connects to it."""
    if UNSAFE_CHARACTERS.search(url):
        raise InputError(f"malformed URL {url[:200]!r} (it contains a space or a control character)")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # "http://[::1", "http://host:99999"
        raise InputError(f"malformed URL {url[:200]!r} ({exc})") from exc
    if parts.scheme not in ("http", "https"):
        raise InputError(f"unsupported URL scheme {parts.scheme or '(none)'!r}: only http and https")
    if not parts.hostname:
        raise InputError("URL has no host")
    addresses = resolve(parts.hostname, port)
    if not addresses:
        raise InputError(f"cannot resolve host {parts.hostname!r}")
    if not allow_private:
        for address in addresses:
            reason = forbidden_reason(address)
            if reason:
                raise InputError(f"refusing to fetch from {reason} address {address} ({parts.hostname}); "
                                 f"use --allow-private to allow it")
    return addresses[0]


@dataclass(frozen=True, slots=True)
class Pinned:
    """A request to a checked URL, aimed at the checked address: the URL with the address as
    its host, the Host header and (for https) the TLS server name of the original host, so
    virtual hosts and certificates work as for the name."""

    url: str
    headers: dict[str, str]
    extensions: dict[str, str]


def pinned(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> Pinned:
    address = check_url(url, allow_private=allow_private, resolve=resolve)
    parts = urlsplit(url)
    host = f"[{address.split('%', 1)[0]}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    name = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    host_header = f"{name}:{parts.port}" if parts.port else name
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return Pinned(url=target, headers={"Host": host_header},
                  extensions={"sni_hostname": parts.hostname} if parts.scheme == "https" else {})


def fetch(url: str, *, allow_private: bool = False, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int = DEFAULT_MAX_BYTES, accept: tuple[str, ...] = ARTICLE_TYPES,
          resolve: Resolver = system_resolver, transport: httpx.BaseTransport | None = None,
          headers: dict[str, str] | None = None, raise_for_status: bool = True) -> Fetched:
    """GET a URL, following redirects by hand so that every hop is checked.

    With raise_for_status=False an HTTP error status comes back as Fetched.status
    (with its body) instead of an InputError."""
    with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport,
                      headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
                               **(headers or {})}) as client:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            target = pinned(current, allow_private=allow_private, resolve=resolve)
            try:
                with client.stream("GET", target.url, headers=target.headers,
                                   extensions=target.extensions) as response:
                    if response.status_code == 304:  # before redirects: httpx counts 304 as one
                        return Fetched(url=current, content_type="", body=b"", status=304,
                                       etag=response.headers.get("etag"),
                                       last_modified=response.headers.get("last-modified"))
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InputError(f"redirect without a Location from {current}")
                        try:
                            current = urljoin(current, location)
                        except ValueError as exc:
                            raise InputError(f"malformed redirect Location {location[:200]!r} from {current}") from exc
                        continue
                    failed = response.status_code >= 400
                    if failed and raise_for_status:
                        raise InputError(f"HTTP {response.status_code} from {current}")
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if accept and content_type not in accept and not failed:
                        raise InputError(f"unexpected content type {content_type or '(none)'!r} from {current}")
                    body = bytearray()
                    for chunk in _decoded(response, current):
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise InputError(f"response from {current} exceeds {max_bytes:,} bytes")
                    return Fetched(url=current, content_type=content_type, body=bytes(body),
                                   etag=response.headers.get("etag"),
                                   last_modified=response.headers.get("last-modified"),
                                   status=response.status_code)
            except httpx.TimeoutException as exc:
                raise InputError(f"timed out fetching {current}") from exc
            except httpx.InvalidURL as exc:  # no HTTPError: a URL urllib accepts and httpx does not
                raise InputError(f"malformed URL {current[:200]!r} ({exc})") from exc
            except httpx.HTTPError as exc:
                raise InputError(f"cannot fetch {current} ({type(exc).__name__}: {exc})") from exc
        raise InputError(f"more than {MAX_REDIRECTS} redirects from {url}")


# Content codings undone here, not by httpx: httpx inflates each chunk read from the network
# in one go, so 1 kB of nested gzip becomes a gigabyte in memory before any cap is checked.
_DECOMPRESSORS = {
    "gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "deflate": lambda: zlib.decompressobj(),  # zlib-wrapped; a raw stream is tried on its first error
}
_READ_SIZE = 64 * 1024  # bytes read, and bytes inflated, at a time


def _decoded(response: httpx.Response, url: str) -> Iterator[bytes]:
    """The response body with its content codings undone, in pieces of at most _READ_SIZE."""
    if response.is_stream_consumed:
        # a transport handed over a response it had already read, and so decoded (as a
        # MockTransport does with Response(content=...)): nothing is left to inflate
        return response.iter_bytes(_READ_SIZE)
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    chunks: Iterator[bytes] = response.iter_raw(_READ_SIZE)
    for coding in reversed([c for c in codings if c not in ("", "identity")]):  # the last applied comes off first
        if coding not in _DECOMPRESSORS:
            raise InputError(f"unsupported content encoding {coding!r} from {url}")
        chunks = _inflate(chunks, coding, url)
    return chunks


def _inflate(chunks: Iterator[bytes], coding: str, url: str) -> Iterator[bytes]:
    decompressor = _DECOMPRESSORS[coding]()
    started = False
    for chunk in chunks:
        while chunk:
            try:
                piece = decompressor.decompress(chunk, _READ_SIZE)
            except zlib.error as exc:
                if coding == "deflate" and not started:  # servers send raw deflate too
                    decompressor, started = zlib.decompressobj(-zlib.MAX_WBITS), True
                    continue
                raise InputError(f"cannot fetch {url} (corrupt {coding} content: {exc})") from exc
            started = True
            chunk = decompressor.unconsumed_tail
            if piece:
                yield piece
    yield decompressor.flush()


@dataclass
class Fetcher:
    """fetch() with one run's settings; with respect_robots, each site's robots.txt is
    asked first (see robots.py) and a disallowed URL is an InputError like any other."""

    allow_private: bool = False
    respect_robots: bool = False
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    resolve: Resolver = system_resolver
    transport: httpx.BaseTransport | None = None
    _robots: RobotsRules | None = field(default=None, init=False, repr=False)

    def get(self, url: str, *, accept: tuple[str, ...] = ARTICLE_TYPES,
            headers: dict[str, str] | None = None) -> Fetched:
        if self.respect_robots:
            if self._robots is None:
                self._robots = RobotsRules(self._get_robots)
            self._robots.check(url)
        return fetch(url, allow_private=self.allow_private, timeout=self.timeout, max_bytes=self.max_bytes,
                     accept=accept, resolve=self.resolve, transport=self.transport, headers=headers)

    def _get_robots(self, url: str) -> tuple[int, bytes]:
        fetched = fetch(url, allow_private=self.allow_private, timeout=self.timeout, accept=(),
                        max_bytes=ROBOTS_MAX_BYTES, resolve=self.resolve, transport=self.transport,
                        raise_for_status=False)
        return fetched.status, fetched.body
