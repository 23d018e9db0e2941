"""The school relay: thirty players, one download of each file across the link."""

from __future__ import annotations

import threading
import time

import pytest

from live.relay import Relay, RelayDown


class Central:
    """A counting upstream that is slow enough for requests to overlap."""

    def __init__(self):
        self.calls: dict[str, int] = {}
        self.lock = threading.Lock()

    def __call__(self, url: str) -> bytes:
        with self.lock:
            self.calls[url] = self.calls.get(url, 0) + 1
        time.sleep(0.05)
        return b"x" * 1000 if url.endswith(".ts") else b"#EXTM3U\n"


def test_thirty_players_cost_the_link_one_download_of_each_segment(tmp_path):
    central = Central()
    relay = Relay("http://central/live/1/hls", tmp_path, fetch=central, playlist_ttl=60)
    barrier = threading.Barrier(30)

    def player():
        barrier.wait()
        relay.get("144p/index.m3u8")
        for n in range(3):
            assert relay.get(f"144p/seg_{n:05d}.ts") == b"x" * 1000

    threads = [threading.Thread(target=player) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(central.calls.values()) == {1}
    assert len(central.calls) == 4
    assert relay.bytes_fetched == 3 * 1000 + len(b"#EXTM3U\n")
    assert (tmp_path / "144p" / "seg_00002.ts").read_bytes() == b"x" * 1000


def test_the_playlist_is_fetched_again_after_its_time(tmp_path):
    central = Central()
    relay = Relay("http://central/x", tmp_path, fetch=central, playlist_ttl=0.1)
    relay.get("index.m3u8")
    relay.get("index.m3u8")
    time.sleep(0.15)
    relay.get("index.m3u8")
    assert central.calls["http://central/x/index.m3u8"] == 2


def test_only_live_file_names_and_a_down_link_is_said(tmp_path):
    def down(url):
        raise RelayDown("no route")

    relay = Relay("http://central/x", tmp_path, fetch=down)
    with pytest.raises(KeyError):
        relay.get("../../secret")
    with pytest.raises(RelayDown):
        relay.get("144p/seg_00001.ts")
    assert not (tmp_path / "144p" / "seg_00001.ts").exists()


def test_two_processes_relaying_into_one_folder_fetch_each_file_once(tmp_path):
    """The web server's workers each hold a Relay; the copy and the lock are on disk."""
    central = Central()
    workers = [
        Relay("http://central/x", tmp_path, fetch=central, playlist_ttl=60) for _ in range(2)
    ]
    barrier = threading.Barrier(20)

    def player(relay):
        barrier.wait()
        relay.get("144p/index.m3u8")
        relay.get("144p/seg_00007.ts")

    threads = [threading.Thread(target=player, args=(workers[n % 2],)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert central.calls == {
        "http://central/x/144p/index.m3u8": 1,
        "http://central/x/144p/seg_00007.ts": 1,
    }
    assert sum(relay.bytes_fetched for relay in workers) == 1000 + len(b"#EXTM3U\n")


def test_a_dead_link_is_remembered_for_a_moment_then_tried_again(tmp_path):
    calls = []

    def down(url):
        calls.append(url)
        raise RelayDown("no route")

    relay = Relay("http://central/x", tmp_path, fetch=down, retry_after=60)
    for _ in range(5):  # thirty players must not each wait out a timeout
        with pytest.raises(RelayDown):
            relay.get("144p/index.m3u8")
    assert len(calls) == 1 and relay.down
    quick = Relay("http://central/x", tmp_path, fetch=Central(), retry_after=0)
    assert quick.get("144p/index.m3u8") == b"#EXTM3U\n"  # back: the mark goes
    assert not relay.down
