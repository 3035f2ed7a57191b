"""One name per news outlet, however an article writes it.

"apnews.com", "AP", "the Associated Press" and "AP News" are one outlet; so are
"meridianwire.example" and a stored outlet called "Meridian Wire". Outlets that
are already in the store count as known, so the tool learns outlet names from
what it ingests, not only from the table below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import urlsplit

from ..records import Article

# Canonical name -> other ways articles write it (domains included).
KNOWN_OUTLETS: dict[str, tuple[str, ...]] = {
    "AP News": ("AP", "the AP", "Associated Press", "the Associated Press", "apnews.com", "ap.org"),
    "Reuters": ("reuters.com", "Thomson Reuters"),
    "AFP": ("Agence France-Presse", "Agence France Presse", "afp.com"),
    "NDTV": ("ndtv.com",),
    "BBC News": ("BBC", "the BBC", "bbc.com", "bbc.co.uk"),
    "CNN": ("cnn.com",),
    "The New York Times": ("New York Times", "NYT", "nytimes.com"),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ", "wsj.com"),
    "The Washington Post": ("Washington Post", "washingtonpost.com"),
    "The Guardian": ("Guardian", "theguardian.com"),
    "Financial Times": ("FT", "ft.com"),
    "Bloomberg": ("Bloomberg News", "bloomberg.com"),
    "Al Jazeera": ("aljazeera.com",),
    "TASS": ("tass.com", "tass.ru"),
    "RIA Novosti": ("RIA",),
    "Interfax": (),
    "Yonhap": ("Yonhap News Agency", "yna.co.kr"),
    "KCNA": ("Korean Central News Agency",),
    "Xinhua": ("Xinhua News Agency",),
    "Kyodo News": ("Kyodo",),
    "Fox News": ("foxnews.com",),
    "NBC News": ("NBC", "nbcnews.com"),
    "ABC News": ("ABC", "abcnews.go.com"),
    "CBS News": ("CBS", "cbsnews.com"),
    "Sky News": ("news.sky.com",),
    "NPR": ("npr.org",),
    "Politico": ("politico.com",),
    "Axios": ("axios.com",),
    "The Hill": ("thehill.com",),
    "USA Today": ("usatoday.com",),
    "Los Angeles Times": ("LA Times", "latimes.com"),
    "Deutsche Welle": ("DW", "dw.com"),
    "France 24": ("france24.com",),
    "Euronews": ("euronews.com",),
    "The Telegraph": ("Telegraph", "telegraph.co.uk"),
    "The Independent": ("independent.co.uk",),
    "Kyiv Independent": ("kyivindependent.com",),
    "Ukrainska Pravda": ("pravda.com.ua",),
    "People": ("People magazine", "people.com"),
    "Us Weekly": ("usmagazine.com",),
    "TMZ": ("tmz.com",),
    "E! News": ("E! Online", "eonline.com"),
    "Variety": ("variety.com",),
    "Institute for the Study of War": ("ISW",),
}

# Words that make a capitalised name a news organisation even when unknown.
OUTLET_WORDS = re.compile(
    r"\b(?:News|Times|Post|Wire|Journal|Gazette|Herald|Observer|Courier|Standard|Tribune|Daily|Press|"
    r"Telegraph|Chronicle|Express|Mirror|Ledger|Brief|Monitor|Review|Magazine|Weekly|Radio|TV|"
    r"Television|Broadcasting|Newspaper|Agency|Insider|Report|Dispatch|Bulletin)\b")
DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:/.*)?$", re.I)


@lru_cache(maxsize=16384)  # a few thousand outlet names, squashed for every article compared
def squash(name: str) -> str:
    """Name -> comparison key: 'The Meridian Wire' and 'meridianwire.example' -> 'meridianwire'."""
    name = name.strip().lower()
    domain = DOMAIN.match(name)
    if domain:
        name = domain.group(1).split(".")[0] if domain.group(1).count(".") >= 1 else domain.group(1)
    name = re.sub(r"^the\s+", "", name)
    return re.sub(r"[^a-z0-9]", "", name)


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, aliases in KNOWN_OUTLETS.items():
        for alias in (canonical, *aliases):
            table[alias.casefold()] = canonical
            table.setdefault(squash(alias), canonical)
    return table


def outlet_index(names: Iterable[str], into: dict[str, str] | None = None) -> dict[str, str]:
    """Comparison key -> outlet name, for outlets already stored (of the names sharing a key,
    the one that sorts first, so the index does not depend on the order names were met).
    Build it once for many articles, and add new names `into` it: squashing every stored
    name per citation, or per batch, grows with the store."""
    index: dict[str, str] = {} if into is None else into
    for name in names:
        if name:
            key = squash(name)
            held = index.get(key)
            if held is None or name < held:
                index[key] = name
    return index


def normalize_outlet(name: str, known: Mapping[str, str] | Iterable[str] = ()) -> tuple[str, bool]:
    """(canonical name, whether it is a news outlet) for a cited or stored name.

    `known` holds the outlet names already in the store (or their outlet_index); a
    citation that names one of them (by name or by its domain) is linked to it.
    """
    cleaned = name.strip().strip(".,;:()\"'“”")
    cleaned = re.sub(r"'s$|’s$", "", cleaned)
    table = _alias_table()
    hit = table.get(cleaned.casefold()) or table.get(re.sub(r"^the\s+", "", cleaned, flags=re.I).casefold())
    if hit:
        return hit, True
    key = squash(cleaned)
    stored = (known if isinstance(known, Mapping) else outlet_index(known)).get(key)
    if stored:
        return stored, True
    if key in table:
        return table[key], True
    domain = DOMAIN.match(cleaned)
    if domain:
        return domain.group(1).lower(), True
    if OUTLET_WORDS.search(cleaned):
        return re.sub(r"^the\s+", "", cleaned, flags=re.I), True
    return cleaned, False


def source_label(article: Article) -> str:
    """What a reader calls an article's source, never a placeholder: its outlet; else its
    URL's host (a known outlet's name for a known host: "apnews.com" is AP News); else the
    file it was read from or the id its row gave ("000_9f3f.txt", "wire.jsonl:12")."""
    if article.outlet and article.outlet.strip():
        return article.outlet.strip()
    host = (urlsplit(article.url).hostname or "") if article.url else ""
    if host:
        host = host.removeprefix("www.")
        known = _alias_table().get(host.casefold())
        return known or host
    if article.external_id:
        return article.external_id  # a file's name, or the id a JSON row gave itself
    if article.source:
        if "://" in article.source:
            return urlsplit(article.source).hostname or article.source
        return PurePath(article.source).name
    return article.title or "untitled source"


def source_key(article: Article) -> str:
    """One outlet however it is named: "NDTV", "ndtv.com" and "www.ndtv.com" are one. Articles
    without an outlet or URL are each their own source (their file)."""
    label = source_label(article)
    if article.outlet or article.url:
        return squash(label) or label.casefold()
    return "file:" + label
