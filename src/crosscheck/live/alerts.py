"""Alerts for a followed story: what changed since it was last looked at.

A follow keeps a snapshot of its story (members, outlets, claim groups and their
verdicts). An alert is the difference between that snapshot and the story now,
so it never depends on having seen each article arrive: after a crash the next
check finds the same difference again.

Claim groups have no lasting identity (a new article can regroup claims), so a
group now is matched to the groups of the snapshot that share any of its
evidence (same article, same sentence, same value).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from ..analyze.outlets import source_label
from ..links import safe_url
from ..records import Article, ClaimGroup, Evidence

SNAPSHOT_VERSION = 1


def story_snapshot(members: Sequence[int], articles: Mapping[int, Article],
                   groups: Sequence[ClaimGroup]) -> dict:
    """What a follow remembers of its story (JSON-ready)."""
    return {
        "version": SNAPSHOT_VERSION,
        "members": sorted(members),
        "outlets": sorted({source_label(a) for a in articles.values()}),
        "groups": [{"keys": sorted({_evidence_key(e) for e in g.evidence}), "verdict": g.verdict,
                    "kind": g.kind, "about": g.about} for g in groups],
    }


def alert_changes(old: dict, new: dict, groups: Sequence[ClaimGroup],
                  articles: Mapping[int, Article]) -> list[dict]:
    """The changes worth an alert between two snapshots of one story: outlets new to it,
    conflicts and updated figures new to it, and claim groups whose verdict moved. `groups` and `articles`
    are the story now (what `new` was made from), for the evidence."""
    changes: list[dict] = []
    known_outlets = set(old.get("outlets", []))
    for outlet in new["outlets"]:
        if outlet not in known_outlets:
            changes.append({"type": "new_outlet", "outlet": outlet, "articles": [
                _article_ref(articles[a]) for a in new["members"]
                if a in articles and source_label(articles[a]) == outlet]})
    old_groups = [(set(g["keys"]), g["verdict"]) for g in old.get("groups", [])]
    for group in groups:
        keys = {_evidence_key(e) for e in group.evidence}
        before = {verdict for old_keys, verdict in old_groups if old_keys & keys}
        if group.verdict in ("conflicting", "updated") and group.verdict not in before:
            kind = "verdict_changed" if before else f"new_{'conflict' if group.verdict == 'conflicting' else 'update'}"
        elif before and group.verdict not in before:
            kind = "verdict_changed"
        else:
            continue
        change = {"type": kind, "kind": group.kind, "about": group.about, "verdict": group.verdict,
                  "values": list(group.values), "outlets": list(group.outlets),
                  "evidence": [_evidence_ref(e) for e in group.evidence]}
        if kind == "verdict_changed":
            change["previous"] = sorted(before)
        changes.append(change)
    return changes


def alert_payload(*, story_id: int, followed_id: int, title: str, snapshot: dict, changes: list[dict],
                  created_at: str, story_url: str | None = None) -> dict:
    """The JSON body POSTed to a webhook (the delivery id is added when it is sent)."""
    payload = {"event": "story.updated", "story_id": story_id, "followed_story_id": followed_id,
               "title": title, "articles": len(snapshot["members"]), "outlets": snapshot["outlets"],
               "changes": changes, "created_at": created_at}
    if story_url:
        payload["story_url"] = story_url
    return payload


def _evidence_key(e: Evidence) -> str:
    sentence = hashlib.sha1(e.sentence.encode("utf-8")).hexdigest()[:12]
    return f"{e.article_id}:{sentence}:{e.value_text}"


def _article_ref(a: Article) -> dict:
    return {"article_id": a.id, "title": a.title, "url": safe_url(a.url), "published": a.published_iso()}


def _evidence_ref(e: Evidence) -> dict:
    return {"article_id": e.article_id, "outlet": e.outlet, "url": e.url, "sentence": e.sentence,
            "value_text": e.value_text}
