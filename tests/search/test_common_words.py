"""The common words' bit sets (search.common_words.WordBits) without a database:
what a mask says, and that an update changes exactly the entries it names."""

import numpy as np

from search.common_words import WordBits


def bits_of(word_ids: dict[str, list[int]]) -> WordBits:
    return WordBits.from_ids({w: np.array(ids, dtype=np.int64) for w, ids in word_ids.items()})


def marked(bits: WordBits, word: str) -> list[int]:
    return np.flatnonzero(bits.mask(word)).tolist()


def test_masks_mark_exactly_the_entries_holding_each_word():
    bits = bits_of({"การ": [0, 1, 7, 8, 9, 63], "เรียน": [8], "ไม่มี": []})
    assert marked(bits, "การ") == [0, 1, 7, 8, 9, 63]
    assert marked(bits, "เรียน") == [8]
    assert marked(bits, "ไม่มี") == []
    assert bits.holds("เรียน") and not bits.holds("สอน")
    assert bits.size >= 64 and bits.size % 8 == 0
    assert bits.mask("การ").dtype == bool and len(bits.mask("การ")) == bits.size


def test_an_update_sets_and_clears_only_the_changed_entries():
    bits = bits_of({"การ": [1, 2, 3], "เรียน": [2, 5]})
    # 2 and 3 share a byte with 1 and 5: neighbours must keep their bits.
    after = bits.updated({2, 3}, {2: {"การ"}, 3: {"เรียน", "สอน"}})
    assert marked(after, "การ") == [1, 2]
    assert marked(after, "เรียน") == [3, 5]
    # The bits a search already holds are never changed under it.
    assert marked(bits, "การ") == [1, 2, 3] and marked(bits, "เรียน") == [2, 5]


def test_a_deleted_entry_loses_every_bit():
    bits = bits_of({"การ": [4, 5], "เรียน": [4]})
    after = bits.updated({4}, {})  # absent from ``holding``: deleted
    assert marked(after, "การ") == [5] and marked(after, "เรียน") == []


def test_an_update_that_changes_nothing_returns_the_same_bits():
    bits = bits_of({"การ": [1, 2]})
    assert bits.updated({2}, {2: {"การ", "สอน"}}) is bits
    assert bits.updated({6}, {6: {"สอน"}}) is bits  # no held word, inside the width
    assert bits.updated(set(), {}) is bits


def test_new_entries_past_the_end_widen_the_bits_with_room_to_spare():
    bits = bits_of({"การ": [0, 3], "เรียน": [3]})
    top = bits.size + 100
    after = bits.updated({top, top + 1}, {top: {"การ"}, top + 1: {"เรียน"}})
    assert after.size > top + 1 + top // 16  # grows by a margin, not one id at a time
    assert marked(after, "การ") == [0, 3, top]
    assert marked(after, "เรียน") == [3, top + 1]
    assert bits.size < top  # the old bits are left as they were
    # An entry with no held word past the end widens too: later ids fit.
    quiet = bits.updated({top}, {top: {"สอน"}})
    assert quiet.size > top and marked(quiet, "การ") == [0, 3]


def test_bits_cover_the_whole_catalog_and_pad_past_it():
    bits = WordBits.from_ids({"การ": np.array([2], dtype=np.int64)}, top=500)
    assert bits.size > 500  # ids past the held words' last one still fit
    padded = bits.mask("การ", bits.size + 40)
    assert len(padded) == bits.size + 40 and np.flatnonzero(padded).tolist() == [2]


def test_an_update_copies_only_the_blocks_it_changes():
    from search.common_words import BLOCK_IDS

    bits = bits_of({"การ": [1, BLOCK_IDS + 1, 2 * BLOCK_IDS + 1]})
    after = bits.updated({2 * BLOCK_IDS + 1}, {})
    assert marked(after, "การ") == [1, BLOCK_IDS + 1]
    assert after.blocks[0] is bits.blocks[0] and after.blocks[1] is bits.blocks[1]
    assert after.blocks[2] is not bits.blocks[2]
    grown = after.updated({3 * BLOCK_IDS + 5}, {3 * BLOCK_IDS + 5: {"การ"}})
    # New ids add a block; the old ones are kept, not copied.
    assert all(new is old for new, old in zip(grown.blocks[:3], after.blocks, strict=True))
    assert marked(grown, "การ") == [1, BLOCK_IDS + 1, 3 * BLOCK_IDS + 5]
