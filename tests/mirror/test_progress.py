"""Progress off a terminal: a line per tenth crossed and a heartbeat every 30 s."""

import io

from core.progress import ProgressBar


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_every_tenth_is_printed_even_when_steps_jump_over_it():
    stream = io.StringIO()
    bar = ProgressBar(1000, "files", stream=stream)
    for _ in range(16):
        bar.advance(64)  # chunk-sized steps never land on a tenth exactly
    bar.finish()
    lines = stream.getvalue().splitlines()
    shown = [int(line.rsplit("(", 1)[1].rstrip("%)")) for line in lines]
    assert len(lines) == 10, lines
    assert shown[-1] == 100
    assert all(later > earlier for earlier, later in zip(shown, shown[1:], strict=False))


def test_off_a_terminal_a_slow_run_prints_a_line_every_thirty_seconds():
    stream = io.StringIO()
    clock = Clock()
    bar = ProgressBar(10_000, "feed", stream=stream, clock=clock)
    for _ in range(4):
        clock.now += 31
        bar.advance(1)  # far below a tenth each time
    assert len(stream.getvalue().splitlines()) == 4
    clock.now += 5
    bar.advance(1)
    assert len(stream.getvalue().splitlines()) == 4
