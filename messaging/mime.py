"""How an outbox email is written out as MIME: Python's email policy, with two changes.

1. **List-Unsubscribe stays a URL.** Python folds a header at 78 characters and, when a value
   has no space to fold at, writes it as RFC 2047 encoded-words (``=?utf-8?q?=3Chttps...``).
   Our one-click link is about 150 characters, so it went out encoded, and a mail provider
   reading the header for an unsubscribe button (RFC 2369, RFC 8058) finds no URL in it. The
   list headers are written on one line instead; RFC 5322 allows 998 characters.
2. **Headers are parsed and folded once.** The modern email API parses every header into a
   tree and makes a new header class for each one it stores; for a batch of invitations that
   was most of the cost of building each email. The same header value (the sender, the
   subject, the content types...) gives the same parsed header and the same folded line, so
   both are kept in small caches; a header object is never changed once made.

Everything else (the bodies' encoding, the line endings the SMTP backend asks for) is the
policy the caller passes in, so the bytes are the same as before apart from those list headers.
"""

from __future__ import annotations

import email.policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

from django.core.mail import EmailMultiAlternatives

# RFC 5322 section 2.1.1: a line is at most 998 characters, without its CRLF.
_LONGEST_LINE = 998
_UNFOLDED_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})


class _OnceHeaderRegistry(HeaderRegistry):
    """Python's registry makes a new class for every header it makes; this one, once a name."""

    def __init__(self, base: HeaderRegistry) -> None:
        super().__init__(base.base_class, base.default_class, use_default_map=False)
        self.registry.update(base.registry)
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


@lru_cache(maxsize=256)
def _parsed(policy: OutboxPolicy, name: str, value: str) -> tuple[str, Any]:
    return EmailPolicy.header_store_parse(policy, name, value)


# Folded lines by the header object itself (the parse cache hands out the same object for the
# same value). Each entry holds its header, so no other object can take that id meanwhile.
_FOLDED_KEPT = 256
_folded: dict[tuple[OutboxPolicy, int, str], tuple[BaseHeader, bytes]] = {}


def _folded_binary(policy: OutboxPolicy, name: str, value: BaseHeader) -> bytes:
    key = (policy, id(value), name)
    kept = _folded.get(key)
    if kept is not None:
        return kept[1]
    line = EmailPolicy.fold_binary(policy, name, value)
    if len(_folded) >= _FOLDED_KEPT:
        _folded.clear()
    _folded[key] = (value, line)
    return line


class OutboxPolicy(EmailPolicy):
    """Python's policy, with the list headers on one line and each distinct header made once."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if type(value) is str:  # a plain, hashable value; anything else as Python does it
            return _parsed(self, name, value)
        return super().header_store_parse(name, value)

    def _one_line(self, name: str, value: Any) -> str | None:
        text = str(value)
        if (
            name.lower() in _UNFOLDED_HEADERS
            and text.isascii()
            and "\r" not in text
            and "\n" not in text
            and len(name) + 2 + len(text) <= _LONGEST_LINE
        ):
            return f"{name}: {text}{self.linesep}"
        return None

    def fold(self, name: str, value: Any) -> str:
        return self._one_line(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        line = self._one_line(name, value)
        if line is not None:
            return line.encode("ascii")
        if isinstance(value, BaseHeader):
            return _folded_binary(self, name, value)
        return super().fold_binary(name, value)


@lru_cache(maxsize=8)
def outbox_policy(base: EmailPolicy) -> EmailPolicy:
    """The caller's policy (SMTP's, say), written out as described above."""
    if not isinstance(base, EmailPolicy) or type(base.header_factory) is not HeaderRegistry:
        return base  # a policy someone chose on purpose: left as it is
    settings = {**vars(base), "header_factory": _OnceHeaderRegistry(base.header_factory)}
    return OutboxPolicy(**settings)


class OutboxEmail(EmailMultiAlternatives):
    """An email from the outbox: Django's, written with the outbox policy."""

    def message(self, *, policy: EmailPolicy = email.policy.default) -> Any:
        return super().message(policy=outbox_policy(policy))
