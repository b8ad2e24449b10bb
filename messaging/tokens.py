"""Signed unsubscribe links: they name a person and one preference, and work without a login."""

from django.core import signing

_SALT = "messaging.unsubscribe"


def unsubscribe_token(*, person_id: int, preference: str) -> str:
    # No expiry: an old email's link must still work (RFC 8058 asks for a lasting one-click link).
    return signing.dumps({"p": person_id, "f": preference}, salt=_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """The (person id, preference) a token names, or None when it was not made by us."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    return data["p"], str(data.get("f", ""))
