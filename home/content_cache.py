"""What page requests read again and again, kept in each process while the content is unchanged.

Before Wagtail reaches a page it reads the site, the home page, the home page's children and the
view restrictions: five queries on a content page, most of its time (docs/performance.md). The
case-study library reads the choices of every facet and counts the whole library. None of that
changes unless an editor publishes, moves or deletes a page, or changes a site, a view
restriction or the case studies' taxonomy; each of those writes a new token to `ContentVersion`
inside the same transaction (home.signals, casestudies.signals). A request reads the token, one
small query, and uses what this process built for that token, or builds it again.

A random token, not a counter: when a transaction that changed the token rolls back, the old
token comes back, and a later change must not be mistaken for one already seen. Nothing here
uses Redis, so a cache outage cannot serve a stale page tree.
"""

import copy
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site


def _version_model() -> type:
    from .models import ContentVersion  # imported late: home.models imports this module

    return ContentVersion


def content_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Tell every process that what it keeps is out of date, as part of the current transaction."""
    ContentVersion = _version_model()
    updated = ContentVersion.objects.using(using).filter(pk=1).update(token=uuid.uuid4().hex)
    if not updated:
        ContentVersion.objects.using(using).get_or_create(
            pk=1, defaults={"token": uuid.uuid4().hex}
        )


def current_token(*, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The token as this transaction sees it (None on a database whose row was flushed)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_version_model()._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass
class Snapshot:
    """The page tree's top as one token saw it. Requests get copies of its pages, never these."""

    token: str
    roots: dict[int, Page]  # each site's root page, specific
    children: dict[int, list[Page]]  # root page id -> its children, specific, with is_restricted
    restrictions: list[tuple[str, int]]  # (the restricted page's tree path, the restriction's id)
    has_aliases: bool  # an alias is checked through its source page: leave those to Wagtail
    root_paths: list  # Wagtail's site root paths, which every page address is worked out from
    sites: dict[tuple[str, int], Site | None] = field(default_factory=dict)
    kept: OrderedDict[Any, Any] = field(default_factory=OrderedDict)  # see `kept_for`
    fragments: OrderedDict[Any, str] = field(default_factory=OrderedDict)  # see `kept_fragments`

    def is_restricted(self, path: str) -> bool:
        return any(path.startswith(restricted) for restricted, _ in self.restrictions)


_lock = threading.Lock()
_snapshots: dict[str, Snapshot] = {}  # database alias -> the latest snapshot
_serving: ContextVar[Snapshot | None] = ContextVar("serving_snapshot", default=None)


def _build(token: str, using: str) -> Snapshot:
    pages = Page.objects.using(using)
    restrictions = list(
        PageViewRestriction.objects.using(using).values_list("page__path", "pk").order_by("pk")
    )
    roots = {page.pk: page for page in pages.filter(sites_rooted_here__isnull=False).specific()}
    snapshot = Snapshot(
        token=token,
        roots=roots,
        children={},
        restrictions=restrictions,
        has_aliases=pages.filter(alias_of__isnull=False).exists(),
        root_paths=Site.get_site_root_paths(),
    )
    for root in roots.values():
        children = list(root.get_children().using(using).specific())
        for child in children:
            child.is_restricted = snapshot.is_restricted(child.path)
        snapshot.children[root.pk] = children
    return snapshot


def snapshot_for(token: str, *, using: str = DEFAULT_DB_ALIAS) -> Snapshot:
    snapshot = _snapshots.get(using)
    if snapshot is None or snapshot.token != token:
        snapshot = _build(token, using)
        with _lock:
            _snapshots[using] = snapshot
    return snapshot


def prepare(request: HttpRequest) -> Snapshot | None:
    """Hand Wagtail this request's site and the home page's children from the snapshot.

    Wagtail keeps the site it finds on the request (`request._wagtail_site`, as its
    `Site.find_for_request` documents) and the site root paths it works addresses out from
    (`request._wagtail_cached_site_root_paths`, `Page._get_site_root_paths`); routing through the
    home page reads its children from `request._home_children` (home.navigation). All three are
    set here, with copies of the kept pages so that nothing one request does to them reaches
    another. Once a request.
    """
    if hasattr(request, "_content_snapshot"):
        return request._content_snapshot
    token = current_token()
    snapshot = snapshot_for(token) if token else None
    request._content_snapshot = snapshot
    if snapshot is None:
        return None
    request._wagtail_cached_site_root_paths = snapshot.root_paths
    # What Wagtail matches a site on: the host name without the Host header's port, and the
    # port the server reports. Keyed by the raw header, each port a client wrote in it would be
    # kept (and looked up) again.
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    if key not in snapshot.sites:
        # Wagtail's own matching of host and port to a site, once per host while the token holds.
        snapshot.sites[key] = Site.find_for_request(request)
    site = snapshot.sites[key]
    if site is None or site.root_page_id not in snapshot.roots:
        return snapshot
    site = copy.copy(site)
    root = copy.copy(snapshot.roots[site.root_page_id])
    site.root_page = root
    request._wagtail_site = site
    request._home_children = (root.pk, [copy.copy(c) for c in snapshot.children[root.pk]])
    return snapshot


@contextmanager
def serving(request: HttpRequest) -> Iterator[None]:
    """While a page is served: the site, the top of the tree and the restrictions as kept."""
    reset = _serving.set(prepare(request))
    try:
        yield
    finally:
        _serving.reset(reset)


class KeptViewRestrictions:
    """Page mixin: while a page is served, its view restrictions come from the snapshot.

    Wagtail checks every served page's restrictions with two queries (its ancestors, then their
    restrictions). The snapshot knows every restriction's path, so the answer needs no query
    when nothing restricts the page, and one when something does. Outside serving (the admin's
    privacy settings, copying pages) Wagtail's own method runs.
    """

    def get_view_restrictions(self) -> QuerySet[PageViewRestriction]:
        snapshot = _serving.get()
        if snapshot is None or snapshot.has_aliases or self.alias_of_id:
            return super().get_view_restrictions()
        ids = [pk for path, pk in snapshot.restrictions if self.path.startswith(path)]
        return PageViewRestriction.objects.filter(pk__in=ids)


def is_serving() -> bool:
    """True while a live page is served (not a preview): what it reads may then be kept."""
    return _serving.get() is not None


def kept_restricted_paths() -> list[str] | None:
    """While a page is served: the tree paths of the restricted pages, as kept; else None."""
    snapshot = _serving.get()
    return None if snapshot is None else [path for path, _ in snapshot.restrictions]


# Results kept per token, least recently used dropped first: the library keeps the counts of each
# choice of filters asked for, and there are many possible choices.
MAX_KEPT = 1000


def kept_for[T](
    key: Any,
    compute: Callable[[], T],
    *,
    using: str = DEFAULT_DB_ALIAS,
    still_good: Callable[[T], bool] | None = None,
) -> T:
    """`compute()`, kept in this process until the content changes (for read-only results).

    While a page is served this uses the token the request has read; anywhere else it reads the
    token itself first. At most `MAX_KEPT` results are kept, the least recently used dropped.
    `still_good(value)`, if given, is asked of a kept value before it is used: for a result that
    also changes with the clock (an Exchange moving from upcoming to past), False computes it again.
    """
    snapshot = _serving.get() if using == DEFAULT_DB_ALIAS else None
    if snapshot is None:
        token = current_token(using=using)
        if not token:
            return compute()
        snapshot = snapshot_for(token, using=using)
    kept = snapshot.kept
    with _lock:
        found = key in kept
        if found:
            kept.move_to_end(key)
            value = kept[key]
    if found and (still_good is None or still_good(value)):
        return value
    value = compute()
    with _lock:
        kept[key] = value
        if len(kept) > MAX_KEPT:
            kept.popitem(last=False)
    return value


# Rendered fragments kept per token, least recently used dropped first: a card is under a
# kilobyte, so this holds every card of a 10,000-page library in about 10 MB a process.
MAX_FRAGMENTS = 10_000


def kept_fragments[K: Hashable](
    kind: Hashable,
    keys: Sequence[K],
    render: Callable[[list[K]], dict[K, str]],
    *,
    request: HttpRequest | None = None,
) -> dict[K, str]:
    """The fragment of HTML for each key that has one, kept until the content changes.

    `render(missing)` renders, in one go, those this process has not kept for the current token,
    and may leave out a key that has nothing to show (it is then missing here too). Only while
    a page is served: anywhere else (a preview, an email) everything is rendered afresh. The
    fragments must be the same for every visitor: what differs per visitor or per minute (an
    Exchange's places left) stays outside them. Links in a fragment are written relative to the
    request's site, so each site keeps its own.
    """
    wanted = list(dict.fromkeys(keys))
    snapshot = _serving.get()
    if snapshot is None:
        return render(wanted)
    site = Site.find_for_request(request) if request is not None else None
    kind = (kind, site.pk if site else None)
    store = snapshot.fragments
    found: dict[K, str] = {}
    with _lock:
        for key in wanted:
            fragment = store.get((kind, key))
            if fragment is not None:
                store.move_to_end((kind, key))
                found[key] = fragment
    missing = [key for key in wanted if key not in found]
    if missing:
        rendered = render(missing)
        with _lock:
            for key, fragment in rendered.items():
                store[(kind, key)] = fragment
            while len(store) > MAX_FRAGMENTS:
                store.popitem(last=False)
        found.update(rendered)
    return found
