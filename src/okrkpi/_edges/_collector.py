"""Python's cycle collector, paused while a bulk call builds many values at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector paused for the block, then left as it was found.

    Reading or writing a large document makes hundreds of thousands of values that hold
    no cycles, and each few hundred of them would start a collection that walks every
    object alive: a third of the time of reading a large table. Any cycle made meanwhile
    is collected once the collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
