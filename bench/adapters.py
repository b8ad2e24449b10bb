"""Rows for other apps' models that the seed writes in bulk.

Kept apart from seed.py because these follow models that are still changing: when a model
gains a required field, this is the one place to teach the benchmark about it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from django.db import models
from django.utils import timezone


def registration_rows(
    *,
    model: type[models.Model],
    count: int,
    exchanges: Sequence[int],
    people: Sequence[int],
    rng: random.Random,
) -> Iterator[dict]:
    """`count` registrations spread over every Exchange, each (Exchange, person) pair once,
    as plain values by attname (`bench.seed.copy_values` fills in the other fields' defaults).

    Most are confirmed; about one in ten is on a waiting list and one in twenty cancelled, so
    the selectors that count seats see a realistic mix.
    """
    from club.models import Membership

    council_of = dict(Membership.objects.values_list("person_id", "council_id").iterator(10_000))
    role_of = dict(Membership.objects.values_list("person_id", "role").iterator(10_000))
    now = timezone.now()
    count = min(count, len(exchanges) * len(people))
    for n in range(count):
        person = people[(n // len(exchanges)) % len(people)]
        draw = rng.random()
        status = "cancelled" if draw < 0.05 else "waiting" if draw < 0.15 else "confirmed"
        yield {
            "exchange_id": exchanges[n % len(exchanges)],
            "person_id": person,
            "council_id": council_of.get(person),
            "role": role_of.get(person, ""),
            "status": status,
            "created_at": now,
            "confirmed_at": now if status == "confirmed" else None,
            "cancelled_at": now if status == "cancelled" else None,
        }
