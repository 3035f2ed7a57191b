"""Accounts and the protections around them: passwords, sessions, CSRF, sign-in back-off, rate limits.

Sessions are server-side: the `cc_session` cookie holds 32 random bytes; the database keeps
only their SHA-256, the account and an expiry, so a leaked database holds no usable session.
Cookies are HttpOnly and SameSite=Lax, and Secure unless configured off (see `secure_cookies`).

CSRF: every POST carries a token. Signed in, it is the session's own random token (form field
`csrf_token`, or the `X-CSRF-Token` header for the API). Signed out (sign-in, sign-up) it is a
signed double-submit token: a random nonce with its HMAC under the server's secret, sent both
as the `cc_csrf` cookie and in the form; both must be present, equal and correctly signed.

Failed sign-ins are counted per account and per client address; past a free allowance each
further failure locks sign-in for that account or address, for twice as long each time.
Posting is rate-limited per account and per address (a sliding window, in memory: one
process's view; several workers each enforce the limit on their own).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request, Response


SESSION_COOKIE = "cc_session"
CSRF_COOKIE = "cc_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SECURE_ENV = "CROSSCHECK_SECURE_COOKIES"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{2,31}")
MIN_PASSWORD, MAX_PASSWORD = 8, 1024


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class DiscussionSettings:
    """What create_app(discussion=...) can tune; the defaults suit a public site."""

    # True: always Secure; False: never (plain-http deployments, tests); None: Secure except for
    # plain http to a loopback host (localhost, 127.0.0.1, ::1). None also lets the
    # CROSSCHECK_SECURE_COOKIES environment variable (1/0/auto) decide, for `crosscheck serve`.
    secure_cookies: bool | None = None
    session_days: int = 14
    max_comment_chars: int = 2000
    max_report_chars: int = 500
    comments_per_minute: int = 5  # per account
    comments_per_minute_per_ip: int = 20
    reports_per_minute: int = 20  # per account
    follows_per_minute: int = 10  # follow attempts per account, refused ones included
    signups_per_hour_per_ip: int = 10
    login_free_failures: int = 5  # per account and address, before back-off starts
    login_free_failures_per_ip: int = 20  # per address, over all accounts
    login_base_delay_s: int = 30  # the first lock; each further failure doubles it
    login_max_delay_s: int = 900
    login_forget_after_s: int = 86400  # failures older than this no longer count
    threads_per_page: int = 50
    secret: str | None = None  # signs signed-out CSRF tokens; default: a random one kept in the database
    clock: Callable[[], datetime] = field(default=utcnow)  # naive UTC; tests move it forward


def secure_setting(value: bool | None) -> bool | None:
    if value is not None:
        return value
    env = os.environ.get(SECURE_ENV, "auto").strip().lower()
    if env in ("1", "true", "yes", "on"):
        return True
    if env in ("0", "false", "no", "off"):
        return False
    return None


# -- passwords and names ---------------------------------------------------------------------

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists: an unknown name verifies a dummy hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def username_problem(username: str) -> str | None:
    if not USERNAME.fullmatch(username or ""):
        return ("A username has 3 to 32 characters: letters, digits, '.', '_' or '-', "
                "starting with a letter or digit.")
    return None


def password_problem(password: str, username: str = "") -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"A password needs at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"A password has at most {MAX_PASSWORD} characters."
    if username and password.lower() == username.lower():
        return "The password cannot be the username."
    if _common(password):
        return "That password is one of the most common ones: an attacker tries those first. Choose another."
    return None


# Passwords that lists of leaked passwords put first, and their shapes (a run of one character,
# digits only, a keyboard row): refused at sign-up.
_COMMON_PASSWORDS = frozenset("""
password password1 password12 password123 passw0rd p@ssw0rd p@ssword 12345678 123456789 1234567890 87654321
qwertyui qwertyuiop qwerty123 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx asdfghjk asdfghjkl zxcvbnm1 iloveyou
iloveyou1 sunshine princess football baseball welcome1 welcome123 letmein1 letmein123 admin123 administrator
trustno1 starwars dragon123 monkey123 master123 superman batman123 whatever computer internet abc12345
abcd1234 abcdefgh 11111111 00000000 12341234 11223344 qazwsxedc changeme changeme1 secret123 passport
baseball1 football1 michelle jennifer sunshine1 shadow123 mustang1 liverpool chelsea1 arsenal1 charlie1
""".split())


def _common(password: str) -> bool:
    lowered = password.lower()
    return (lowered in _COMMON_PASSWORDS or len(set(lowered)) <= 2 or lowered.isdigit()
            or lowered in "abcdefghijklmnopqrstuvwxyz" or lowered in "qwertyuiopasdfghjklzxcvbnm")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_ip(request: Request) -> str:
    """The peer's address (behind a proxy, run uvicorn with --proxy-headers to get the client's)."""
    return request.client.host if request.client else "unknown"


def safe_next(value: str | None, default: str = "/") -> str:
    """A redirect target only if it stays on this site (a path, never //host or a scheme)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value \
            and not any(c in value for c in "\r\n"):
        return value
    return default


# -- rate limits -----------------------------------------------------------------------------

class RateLimiter:
    """Sliding-window counts in memory: at most `limit` events per `window` seconds per key."""

    def __init__(self, window: float, clock: Callable[[], datetime]):
        self.window, self.clock = window, clock
        self.events: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def hit(self, limits: Iterable[tuple[str, int]]) -> int | None:
        """One event for every (key, limit), or for none if a key is at its limit: then the seconds to wait."""
        now = self.clock().timestamp()
        limits = list(limits)
        with self.lock:
            wait = 0.0
            for key, limit in limits:
                queue = self.events.get(key)
                if queue is None:
                    continue
                while queue and queue[0] <= now - self.window:
                    queue.popleft()
                if len(queue) >= limit:
                    wait = max(wait, queue[len(queue) - limit] + self.window - now)
            if wait > 0:
                return max(1, math.ceil(wait))
            for key, _ in limits:
                self.events.setdefault(key, deque()).append(now)
            if len(self.events) > 10_000:  # forget idle keys now and then
                self.events = {k: q for k, q in self.events.items() if q and q[-1] > now - self.window}
        return None


def too_many(message: str, retry_after: int) -> HTTPException:
    return HTTPException(429, f"{message} Try again in {_duration(retry_after)}.",
                         headers={"Retry-After": str(retry_after)})


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


# -- the whole of it, per app ------------------------------------------------------------------

class Security:
    def __init__(self, store, settings: DiscussionSettings):
        """`store`: the discussion tables (accounts, sessions, login attempts)."""
        self.store = store
        self.settings = settings
        self.secure_cookies = secure_setting(settings.secure_cookies)
        self.secret = (settings.secret or store.secret()).encode()
        clock = settings.clock
        self.per_minute = RateLimiter(60, clock)  # comments and reports
        self.per_hour = RateLimiter(3600, clock)  # sign-ups

    def now(self) -> datetime:
        return self.settings.clock()

    # -- cookies ---------------------------------------------------------------------------
    def cookie_is_secure(self, request: Request) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        # decided by the socket the server listens on, never by the Host header a client sends:
        # a server bound to loopback serves this machine only, anything else is Secure
        server = request.scope.get("server") or ("", None)
        return request.url.scheme == "https" or (server[0] or "") not in LOOPBACK

    def _set_cookie(self, request: Request, response: Response, name: str, value: str,
                    max_age: int | None = None) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                            secure=self.cookie_is_secure(request))

    def _drop_cookie(self, request: Request, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=self.cookie_is_secure(request))

    # -- sessions --------------------------------------------------------------------------
    def account(self, request: Request) -> dict | None:
        """The signed-in account of this request (an unexpired session of an unsuspended account)."""
        if hasattr(request.state, "account"):
            return request.state.account
        account = None
        token = request.cookies.get(SESSION_COOKIE)
        if token and len(token) <= 128:
            found = self.store.session(token_hash(token), now=self.now())
            if found and not found["suspended"]:
                found.pop("password_hash", None)
                account = found
        request.state.account = account
        return account

    def start_session(self, request: Request, response: Response, user: dict) -> None:
        """A fresh session (never one the browser brought along: no session fixation)."""
        self.end_session(request, response)
        token = secrets.token_urlsafe(32)
        now = self.now()
        lifetime = timedelta(days=self.settings.session_days)
        self.store.create_session(user["id"], token_hash(token), secrets.token_urlsafe(32), now=now,
                                  expires_at=now + lifetime)
        self._set_cookie(request, response, SESSION_COOKIE, token, max_age=int(lifetime.total_seconds()))
        self._drop_cookie(request, response, CSRF_COOKIE)

    def end_session(self, request: Request, response: Response) -> None:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            self.store.delete_session(token_hash(token))
            self._drop_cookie(request, response, SESSION_COOKIE)
        request.state.account = None

    # -- CSRF ------------------------------------------------------------------------------
    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()

    def _signed_ok(self, value: str | None) -> bool:
        if not value or len(value) > 200 or "." not in value:
            return False
        nonce, signature = value.rsplit(".", 1)
        return bool(nonce) and hmac.compare_digest(signature, self._sign(nonce))

    def csrf_token(self, request: Request) -> str:
        """The token for this request's forms: the session's, or a signed double-submit token."""
        account = self.account(request)
        if account:
            return account["csrf_token"]
        if getattr(request.state, "csrf_cookie", None):
            return request.state.csrf_cookie
        cookie = request.cookies.get(CSRF_COOKIE)
        if self._signed_ok(cookie):
            return cookie
        nonce = secrets.token_urlsafe(24)
        request.state.csrf_cookie = f"{nonce}.{self._sign(nonce)}"
        return request.state.csrf_cookie

    def issue_csrf_cookie(self, request: Request, response: Response) -> None:
        """Set the double-submit cookie if csrf_token() made a new token for this response's forms."""
        value = getattr(request.state, "csrf_cookie", None)
        if value:
            self._set_cookie(request, response, CSRF_COOKIE, value)

    def check_csrf(self, request: Request, submitted: str | None) -> None:
        """403 unless the submitted token is this session's, or (signed out) matches the signed cookie."""
        submitted = submitted or ""
        account = self.account(request)
        if account:
            ok = bool(submitted) and hmac.compare_digest(submitted.encode(), account["csrf_token"].encode())
        else:
            cookie = request.cookies.get(CSRF_COOKIE) or ""
            ok = bool(submitted) and hmac.compare_digest(submitted.encode(), cookie.encode()) \
                and self._signed_ok(cookie)
        if not ok:
            raise HTTPException(403, "The form's security token is missing or wrong (CSRF check). "
                                     "Reload the page and try again.")

    # -- sign-in back-off ------------------------------------------------------------------
    def _login_scopes(self, username: str, ip: str) -> tuple[tuple[str, str, int, str], ...]:
        """What a failed sign-in counts against: the account from this address (so failures from
        elsewhere never lock its owner out), and the address over all accounts."""
        s = self.settings
        return (("user_ip", f"{username.lower()[:64]}|{ip}", s.login_free_failures, "this account"),
                ("ip", ip, s.login_free_failures_per_ip, "your address"))

    def login_wait(self, username: str, ip: str) -> tuple[int, str] | None:
        """(seconds, message) while the account (from this address) or the address is locked
        out, else None."""
        now = self.now()
        for scope, key, _, whom in self._login_scopes(username, ip):
            state = self.store.login_lock(scope, key)
            if state and state[1] and state[1] > now:
                seconds = max(1, math.ceil((state[1] - now).total_seconds()))
                return seconds, f"Too many failed sign-ins for {whom}. Try again in {_duration(seconds)}."
        return None

    def login_failed(self, username: str, ip: str) -> tuple[int, str] | None:
        """Count a failure; (seconds, message) if it started a lockout."""
        s, now = self.settings, self.now()
        forget = now - timedelta(seconds=s.login_forget_after_s)
        locked = None
        for scope, key, free, _ in self._login_scopes(username, ip):
            failures = self.store.record_login_failure(scope, key, now=now, forget_before=forget)
            if failures >= free:
                delay = min(s.login_base_delay_s * 2 ** min(failures - free, 30), s.login_max_delay_s)
                self.store.lock_login(scope, key, now + timedelta(seconds=delay))
                locked = locked or delay
        if locked:
            return locked, f"Too many failed sign-ins. Try again in {_duration(locked)}."
        return None

    def login_succeeded(self, username: str, ip: str) -> None:
        self.store.clear_login_failures("user_ip", f"{username.lower()[:64]}|{ip}")

