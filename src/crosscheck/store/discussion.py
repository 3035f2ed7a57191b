"""Reader discussion in the store: accounts, sessions, comments, reports and failed sign-ins.

Queries only: what is allowed (who may edit what, how long a comment may be, when a
sign-in is locked out) is decided by the web layer (crosscheck.web.security and
crosscheck.web.discussion). Times are naive UTC datetimes, as elsewhere in the store.
Nothing here ever sees a password: only its argon2 hash, and only the SHA-256 of a
session token.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict
from .schema import comment_reports, comments, login_attempts, meta, sessions, story_redirects, users

from ..records import DELETED, HIDDEN, VISIBLE  # noqa: E402,F401  (the statuses a comment can have)


class UsernameTaken(Conflict):
    """An account with this name (ignoring case) already exists."""


class DiscussionStore:
    """The discussion tables of one database, over its SQLAlchemy engine (thread-safe)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # -- the server's secret (signs CSRF tokens of signed-out forms) -------------------
    def secret(self, name: str = "web_secret") -> str:
        """A random secret kept in the database, created on first use, the same for every worker."""
        with self.engine.begin() as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == name)).scalar()
        if value is not None:
            return value
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(meta).values(key=name, value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another worker created it first: use theirs
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == name)).scalar_one()

    # -- accounts -----------------------------------------------------------------------
    def create_user(self, username: str, password_hash: str, *, now: datetime, is_admin: bool = False) -> dict:
        try:
            with self.engine.begin() as conn:
                user_id = conn.execute(insert(users).values(
                    username=username, username_key=username.lower(), password_hash=password_hash,
                    is_admin=is_admin, suspended=False, created_at=now).returning(users.c.id)).scalar_one()
        except IntegrityError as exc:
            raise UsernameTaken(username) from exc
        return self.user(user_id)

    def user(self, user_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
        return _user(row)

    def user_by_name(self, username: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username_key == username.lower())).first()
        return _user(row)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))

    def set_suspended(self, user_id: int, suspended: bool) -> None:
        """Suspend (ending every session of the account) or reinstate an account."""
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(suspended=suspended))
            if suspended:
                conn.execute(delete(sessions).where(sessions.c.user_id == user_id))

    def suspended_users(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).where(users.c.suspended.is_(True)).order_by(users.c.username_key))
            return [_user(r) for r in rows]

    # -- sessions -----------------------------------------------------------------------
    def create_session(self, user_id: int, token_hash: str, csrf_token: str, *, now: datetime,
                       expires_at: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at <= now))  # tidy up as we go
            conn.execute(insert(sessions).values(token_hash=token_hash, user_id=user_id, csrf_token=csrf_token,
                                                 created_at=now, expires_at=expires_at))

    def session(self, token_hash: str, *, now: datetime) -> dict | None:
        """The unexpired session with this token hash, with its account; None if there is none."""
        query = (select(sessions.c.token_hash, sessions.c.csrf_token, sessions.c.expires_at, users)
                 .join(users, users.c.id == sessions.c.user_id)
                 .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return {**_user(row), "token_hash": row.token_hash, "csrf_token": row.csrf_token,
                "expires_at": row.expires_at}

    def delete_session(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    # -- failed sign-ins ------------------------------------------------------------------
    def login_lock(self, scope: str, key: str) -> tuple[int, datetime | None] | None:
        """(failures, locked until) for an account or address, None if it has no failures on record."""
        with self.engine.connect() as conn:
            row = conn.execute(select(login_attempts.c.failures, login_attempts.c.locked_until).where(
                login_attempts.c.scope == scope, login_attempts.c.key == key)).first()
        return (row.failures, row.locked_until) if row else None

    def record_login_failure(self, scope: str, key: str, *, now: datetime, forget_before: datetime) -> int:
        """Count one more failure (failures older than forget_before are forgotten); the new count."""
        where = (login_attempts.c.scope == scope, login_attempts.c.key == key)
        for _ in range(3):
            with self.engine.begin() as conn:
                conn.execute(delete(login_attempts).where(login_attempts.c.last_failure < forget_before))
                changed = conn.execute(update(login_attempts).where(*where).values(
                    failures=login_attempts.c.failures + 1, last_failure=now)).rowcount
                if changed:
                    return conn.execute(select(login_attempts.c.failures).where(*where)).scalar_one()
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(login_attempts).values(scope=scope, key=key, failures=1, last_failure=now))
                return 1
            except IntegrityError:
                continue  # a concurrent failure inserted the row first: count ours on top of it
        raise RuntimeError("could not record a failed sign-in")

    def lock_login(self, scope: str, key: str, until: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(login_attempts).where(login_attempts.c.scope == scope, login_attempts.c.key == key)
                         .values(locked_until=until))

    def clear_login_failures(self, scope: str, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_attempts).where(login_attempts.c.scope == scope, login_attempts.c.key == key))

    # -- comments -----------------------------------------------------------------------
    def add_comment(self, story_id: int, user_id: int, body: str, *, now: datetime,
                    parent_id: int | None = None) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(comments).values(
                story_id=story_id, user_id=user_id, parent_id=parent_id, body=body, status=VISIBLE,
                created_at=now).returning(comments.c.id)).scalar_one()

    def comment(self, comment_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(_comment_query().where(comments.c.id == comment_id)).first()
        return _comment(row) if row else None

    def edit_comment(self, comment_id: int, body: str, *, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(comments).where(comments.c.id == comment_id).values(body=body, edited_at=now))

    def set_comment_status(self, comment_id: int, status: str, *, by: int, now: datetime) -> None:
        """Hide, show again or delete a comment; deleting also empties its text for good."""
        values: dict[str, Any] = {"status": status, "moderated_by": by, "moderated_at": now}
        if status == DELETED:
            values["body"] = ""
        with self.engine.begin() as conn:
            conn.execute(update(comments).where(comments.c.id == comment_id).values(**values))

    def story_ids_for(self, story_id: int) -> list[int]:
        """The story and every story merged into it: comments stay with the story they were written on."""
        with self.engine.connect() as conn:
            merged = conn.execute(select(story_redirects.c.old_id)
                                  .where(story_redirects.c.new_id == story_id)).scalars().all()
        return [story_id, *merged]

    def threads(self, story_ids: list[int], *, include_removed: bool, limit: int,
                offset: int) -> tuple[list[dict], int]:
        """A page of top-level comments, oldest first, each with its replies; and how many there are.

        Without include_removed, hidden and deleted replies are left out, and a hidden or deleted
        top-level comment is left out unless a visible reply needs it as its thread's head.
        """
        reply = comments.alias("reply")
        heads = select(comments.c.id).where(comments.c.story_id.in_(story_ids), comments.c.parent_id.is_(None))
        if not include_removed:
            heads = heads.where(or_(comments.c.status == VISIBLE, exists().where(
                reply.c.parent_id == comments.c.id, reply.c.status == VISIBLE)))
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(heads.subquery())).scalar_one()
            page = heads.order_by(comments.c.created_at, comments.c.id).limit(limit).offset(offset)
            head_ids = conn.execute(page).scalars().all()
            if not head_ids:
                return [], total
            rows = conn.execute(_comment_query().where(or_(comments.c.id.in_(head_ids),
                                                           comments.c.parent_id.in_(head_ids)))
                                .order_by(comments.c.created_at, comments.c.id)).all()
        found = {r.id: {**_comment(r), "replies": []} for r in rows if r.id in set(head_ids)}
        for row in rows:
            if row.parent_id is not None and row.parent_id in found:
                if include_removed or row.status == VISIBLE:
                    found[row.parent_id]["replies"].append(_comment(row))
        return [found[i] for i in head_ids], total

    # -- reports ------------------------------------------------------------------------
    def add_report(self, comment_id: int, reporter_id: int, reason: str, *, now: datetime) -> bool:
        """Report a comment; False if this reader has already reported it (the report stands)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(comment_reports).values(comment_id=comment_id, reporter_id=reporter_id,
                                                            reason=reason, created_at=now))
        except IntegrityError:
            return False
        return True

    def resolve_reports(self, comment_id: int, *, by: int, now: datetime) -> int:
        with self.engine.begin() as conn:
            return conn.execute(update(comment_reports).where(
                comment_reports.c.comment_id == comment_id, comment_reports.c.resolved_at.is_(None))
                .values(resolved_at=now, resolved_by=by)).rowcount

    def reported_comments(self, limit: int = 200) -> list[dict]:
        """Comments with open reports, the most reported first, each with its reports."""
        with self.engine.connect() as conn:
            counted = conn.execute(
                select(comment_reports.c.comment_id, func.count().label("n"), func.min(comment_reports.c.created_at))
                .where(comment_reports.c.resolved_at.is_(None)).group_by(comment_reports.c.comment_id)
                .order_by(func.count().desc(), func.min(comment_reports.c.created_at)).limit(limit)).all()
            ids = [r.comment_id for r in counted]
            if not ids:
                return []
            found = {r.id: _comment(r) for r in conn.execute(_comment_query().where(comments.c.id.in_(ids)))}
            reports = conn.execute(
                select(comment_reports.c.comment_id, comment_reports.c.reason, comment_reports.c.created_at,
                       users.c.username).join(users, users.c.id == comment_reports.c.reporter_id)
                .where(comment_reports.c.comment_id.in_(ids), comment_reports.c.resolved_at.is_(None))
                .order_by(comment_reports.c.created_at)).all()
        for comment in found.values():
            comment["reports"] = []
        for r in reports:
            found[r.comment_id]["reports"].append({"reporter": r.username, "reason": r.reason,
                                                   "created_at": r.created_at})
        return [found[i] for i in ids if i in found]


def _comment_query():
    return (select(comments, users.c.username.label("author"), users.c.suspended.label("author_suspended"))
            .join(users, users.c.id == comments.c.user_id))


def _comment(row) -> dict:
    return {"id": row.id, "story_id": row.story_id, "parent_id": row.parent_id, "user_id": row.user_id,
            "author": row.author, "author_suspended": bool(row.author_suspended), "body": row.body,
            "status": row.status, "created_at": row.created_at, "edited_at": row.edited_at}


def _user(row) -> dict | None:
    if row is None:
        return None
    return {"id": row.id, "username": row.username, "password_hash": row.password_hash,
            "is_admin": bool(row.is_admin), "suspended": bool(row.suspended), "created_at": row.created_at}
