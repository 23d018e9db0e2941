"""Exact sets of user ids, stored small: sorted, delta-encoded, zlib-compressed.

A day's set for a school holds a few dozen ids, an area's fiscal year some
twenty thousand; deltas between sorted ids are small numbers that compress
well, and a union is a decode, a set union and an encode, all in C loops.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable
from itertools import accumulate


def encode(ids: Iterable[int]) -> bytes:
    ordered = sorted(set(ids))
    deltas = array("I", (b - a for a, b in zip([0, *ordered], ordered, strict=False)))
    return zlib.compress(deltas.tobytes(), 6)


def decode(blob: bytes | memoryview) -> list[int]:
    if not blob:
        return []
    deltas = array("I")
    deltas.frombytes(zlib.decompress(bytes(blob)))
    return list(accumulate(deltas))


def union(blobs: Iterable[bytes | memoryview]) -> set[int]:
    members: set[int] = set()
    for blob in blobs:
        members.update(decode(blob))
    return members
