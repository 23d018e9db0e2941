from reports import usersets


def test_round_trip_is_exact_and_sorted():
    ids = [5, 3, 3, 1_000_000, 42, 7]
    assert usersets.decode(usersets.encode(ids)) == [3, 5, 7, 42, 1_000_000]


def test_empty_set():
    assert usersets.decode(usersets.encode([])) == []
    assert usersets.decode(b"") == []


def test_union_of_stored_sets():
    blobs = [usersets.encode([1, 2, 3]), usersets.encode([3, 4]), usersets.encode([])]
    assert usersets.union(blobs) == {1, 2, 3, 4}


def test_dense_sets_are_small():
    blob = usersets.encode(range(1, 20_001))
    assert len(blob) < 1_000  # 20,000 ids; raw 64-bit ints would be 160 kB
