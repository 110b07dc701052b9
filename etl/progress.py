"""What a build tells its caller as it goes: `progress(step)` is called with each step, a line of
text (str), or a `Reading` after each part of a file read (for a progress bar)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union


@dataclass(frozen=True)
class Reading:
    """The rows of `file` read so far: `rows`, `done` (0-1: the share of the file's lines read;
    1 for a file read whole), `megabytes` (read, by that share of its size), `size_mb` (the
    file's) and `seconds` (since its reading began, > 0). As text (str): the rows read, the share
    of the file, rows and MB per second."""
    file: str
    rows: int
    done: float
    megabytes: float
    size_mb: float
    seconds: float

    @classmethod
    def of(cls, file: str, rows: int, read: tuple[int, int] | None, size_mb: float,
           seconds: float) -> "Reading":
        """After `rows` rows of `file` (`size_mb` MB) in `seconds`; `read`: (the file's lines read,
        its lines), None when the reader did not count them."""
        done = min(read[0] / read[1], 1.0) if read and read[1] else 1.0
        return cls(file, rows, done, size_mb * done, size_mb, max(seconds, 1e-9))

    def __str__(self) -> str:
        return (f"{self.file} ({self.size_mb:,.0f} MB): {self.rows:,} rows read ({self.done:.0%}), "
                f"{self.rows / self.seconds:,.0f} rows/s, {self.megabytes / self.seconds:,.1f} MB/s")


Step = Union[str, Reading]
Progress = Callable[[Step], None]


def quiet(step: Step) -> None:
    """A `progress` that shows nothing."""
