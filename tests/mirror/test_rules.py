"""Pure parts: signatures, the token bucket, windows, selection, merge rules."""

import datetime as dt

import pytest

from mirror.errors import MirrorError
from mirror.results import merge_by_maximum
from mirror.signing import (
    canonical_json,
    generate_private_key,
    load_private_key,
    load_public_key,
    public_key_text,
    sign,
    verify,
)
from mirror.sources.base import scope_matches, wanted_files
from mirror.sync import in_window, parse_window
from mirror.throttle import TokenBucket


def test_signatures_verify_only_the_signed_bytes_and_key():
    key = load_private_key(generate_private_key())
    other = load_private_key(generate_private_key())
    message = canonical_json({"b": 1, "a": "ไทย"})
    assert message == '{"a":"ไทย","b":1}'.encode()
    signature = sign(key, message)
    assert verify(load_public_key(public_key_text(key)), message, signature)
    assert not verify(load_public_key(public_key_text(key)), message + b" ", signature)
    assert not verify(load_public_key(public_key_text(other)), message, signature)
    assert not verify(load_public_key(public_key_text(key)), message, "bm90IGJhc2U2NA==")


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_token_bucket_holds_the_average_rate():
    clock = FakeClock()
    bucket = TokenBucket(256_000, burst_bytes=8192, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        bucket.take(8192)
    # 819,200 bytes at 32,000 bytes/s, less the first burst that was free.
    assert clock.now == pytest.approx((100 * 8192 - 8192) / 32_000, rel=1e-6)


def test_zero_rate_never_waits():
    clock = FakeClock()
    TokenBucket(0, clock=clock, sleep=clock.sleep).take(10**9)
    assert clock.now == 0


def test_windows_may_run_past_midnight():
    assert in_window("", dt.time(12))
    assert in_window("22:00-05:00", dt.time(23, 30))
    assert in_window("22:00-05:00", dt.time(4, 59))
    assert not in_window("22:00-05:00", dt.time(12))
    assert in_window("08:00-16:00", dt.time(8))
    assert not in_window("08:00-16:00", dt.time(16))
    with pytest.raises(MirrorError, match="bad sync window"):
        parse_window("nights")


def test_scope_selects_by_school_subject_and_grade_and_assignments_win():
    assert scope_matches({}, "S1", {"ค"}, {"ป.5"})
    assert not scope_matches({"schools": ["S2"]}, "S1", set(), set())
    assert scope_matches({"subjects": ["ค"]}, "S1", {"ค", "ว"}, set())
    assert not scope_matches({"subjects": ["ศ"]}, "S1", {"ค", "ว"}, set())
    assert scope_matches({"subjects": ["ศ"]}, "S1", set(), set())  # no selection: everything
    assert not scope_matches({"grades": ["ม.4"]}, "S1", set(), {"ป.5"})
    assigned = {"subjects": ["ศ"], "grades": ["ม.4"], "assigned_schools": ["S1"]}
    assert scope_matches(assigned, "S1", {"ค"}, {"ป.5"})


def test_renditions_above_the_kept_height_are_dropped_but_one_always_stays():
    files = [
        {"sha": "a", "size": 1, "height": 240},
        {"sha": "b", "size": 1, "height": 480},
        {"sha": "c", "size": 1, "height": 720},
        {"sha": "m", "size": 1, "role": "manifest"},
    ]
    assert [f["sha"] for f in wanted_files(files, 480)] == ["a", "b", "m"]
    assert [f["sha"] for f in wanted_files(files, 0)] == ["a", "b", "c", "m"]
    assert [f["sha"] for f in wanted_files(files, 144)] == ["a", "m"]


def test_progress_merges_by_maximum_in_any_order():
    a = {"percent": 40, "seconds": 100.0, "completed": False, "at": "2026-01-02"}
    b = {"percent": 70, "seconds": 60.0, "completed": True, "at": "2026-01-01"}
    merged = merge_by_maximum(a, b)
    assert merged == {"percent": 70, "seconds": 100.0, "completed": True, "at": "2026-01-02"}
    assert merge_by_maximum(b, a) == merged
    assert merge_by_maximum(merged, b) == merged
