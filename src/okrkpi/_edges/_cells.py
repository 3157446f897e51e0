"""Columns of cells kept compactly while a large table is read.

A folder of CSV files holds millions of cells. Kept as a list, each costs a pointer and,
unless it repeats, a string object of 50 bytes or more besides its text. The shapes here
keep the same cells in a few bytes each: cells that repeat (ids, days, labels) as 4-byte
codes into the distinct ones, numbers that rarely repeat (values) as 8-byte floats that
give their text back exactly, other text (notes) joined in chunks.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable, Iterator, Sequence
from types import MappingProxyType
from typing import Any, overload

__all__ = ["ChunkedText", "NumberText", "SharedCells", "writes_a_number"]

_CHUNK = 1024  # cells joined into one string
_SEPARATOR = "\x00"
# Codes take the narrowest machine word that holds them: a byte for up to 256 distinct
# cells (days, labels), then 2 bytes, then 4.
_WIDER = MappingProxyType({"B": ("H", 1 << 8), "H": ("I", 1 << 16), "I": ("I", 1 << 32)})


class SharedCells(Sequence[Any]):
    """Cells that repeat: each distinct cell kept once, each row a 4-byte code.

    A cell appended with `share=False` is kept apart, never looked up: `knows` is false
    for it, so an equal cell later is checked again (a bad cell is reported each time).
    """

    __slots__ = ("_codes", "_distinct", "_index")

    def __init__(self, cells: Iterable[Hashable] = ()) -> None:
        self._codes = array("B")
        self._distinct: list[Any] = []
        self._index: dict[Any, int] = {}
        for cell in cells:
            self.append(cell)

    @classmethod
    def from_codes(cls, distinct: Iterable[Hashable], codes: Iterable[int]) -> SharedCells:
        """The cells whose codes into `distinct` (each cell once, all shared) are `codes`."""
        shared = cls()
        shared._distinct = list(distinct)
        shared._index = {cell: code for code, cell in enumerate(shared._distinct)}
        count = len(shared._distinct)
        shared._codes = array("B" if count <= 1 << 8 else "H" if count <= 1 << 16 else "I", codes)
        return shared

    @property
    def codes(self) -> Sequence[int]:
        """Each row's code: its cell's position in `distinct`."""
        return self._codes

    def knows(self, cell: Hashable) -> bool:
        """Whether `cell` was appended before, shared."""
        return cell in self._index

    @property
    def distinct(self) -> Sequence[Any]:
        """Each distinct cell once, in the order first appended."""
        return tuple(self._distinct)

    @property
    def shared(self) -> int:
        """How many distinct cells are shared."""
        return len(self._index)

    def _new_code(self, cell: Any, share: bool) -> int:
        code = len(self._distinct)
        self._distinct.append(cell)
        if share:
            self._index[cell] = code
        codes = self._codes
        wider, limit = _WIDER[codes.typecode]
        if code >= limit:
            self._codes = array(wider, codes)
        return code

    def append(self, cell: Hashable, *, share: bool = True) -> bool:
        """Add `cell` as the last row; whether it was known (shared) before."""
        code = self._index.get(cell) if share else None
        known = code is not None
        if code is None:
            code = self._new_code(cell, share)
        self._codes.append(code)
        return known

    def __setitem__(self, row: int, cell: Hashable) -> None:
        code = self._index.get(cell)
        self._codes[row] = self._new_code(cell, True) if code is None else code

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, row: int) -> Any: ...

    @overload
    def __getitem__(self, row: slice) -> list[Any]: ...

    def __getitem__(self, row: int | slice) -> Any:
        if isinstance(row, slice):
            return list(map(self._distinct.__getitem__, self._codes[row]))
        return self._distinct[self._codes[row]]

    def __iter__(self) -> Iterator[Any]:
        return map(self._distinct.__getitem__, self._codes)


class ChunkedText(Sequence[str | None]):
    """Text cells that rarely repeat, joined into chunks of `_CHUNK` cells.

    A cell costs its characters and a separator. Rows read once can be `release`d: a
    chunk whose every row is released is dropped, and its rows then read as None.
    """

    __slots__ = ("_chunks", "_last", "_length", "_pending", "_released")

    def __init__(self, cells: Iterable[str] = ()) -> None:
        self._chunks: list[str | tuple[str, ...] | None] = []
        self._pending: list[str] = []
        self._length = 0
        # Rows let go, and how many per chunk, once any is.
        self._released: tuple[bytearray, array[int]] | None = None
        self._last: tuple[int, Sequence[str]] = (-1, ())  # the chunk read last, split
        for cell in cells:
            self.append(cell)

    def append(self, cell: str) -> None:
        """Add `cell` as the last row."""
        pending = self._pending
        pending.append(cell)
        self._length += 1
        if len(pending) == _CHUNK:
            joined = _SEPARATOR.join(pending)
            # A cell holding the separator itself keeps its chunk as separate strings.
            exact = joined.count(_SEPARATOR) == _CHUNK - 1
            self._chunks.append(joined if exact else tuple(pending))
            self._pending = []

    def release(self, rows: Iterable[int]) -> None:
        """Let `rows` go: they were read and will not be again."""
        if self._released is None:
            self._released = (bytearray(self._length), array("H", bytes(2 * len(self._chunks))))
        released, left_in = self._released
        chunks = self._chunks
        for row in rows:
            number = row // _CHUNK
            if number >= len(left_in) or released[row]:
                continue  # the open chunk is kept whole; a row let go twice counts once
            released[row] = 1
            left_in[number] += 1
            if left_in[number] == _CHUNK:
                chunks[number] = None
                if self._last[0] == number:
                    self._last = (-1, ())

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, row: int) -> str | None: ...

    @overload
    def __getitem__(self, row: slice) -> list[str | None]: ...

    def __getitem__(self, row: int | slice) -> str | list[str | None] | None:
        if isinstance(row, slice):
            return [self[at] for at in range(self._length)[row]]
        row = range(self._length)[row]  # IndexError as a list raises it
        number, offset = divmod(row, _CHUNK)
        if number == len(self._chunks):
            return self._pending[offset]
        if self._last[0] != number:
            chunk = self._chunks[number]
            if chunk is None:
                return None
            self._last = (number, chunk.split(_SEPARATOR) if isinstance(chunk, str) else chunk)
        return self._last[1][offset]

    def __iter__(self) -> Iterator[str | None]:
        for chunk in self._chunks:
            if chunk is None:
                yield from (None for _ in range(_CHUNK))
            else:
                yield from chunk.split(_SEPARATOR) if isinstance(chunk, str) else chunk
        yield from self._pending


# How a `NumberText` cell's text comes back from its float.
_AS_FLOAT, _AS_WHOLE, _AS_WRITTEN = 0, 1, 2


def writes_a_number(cell: object) -> bool:
    """Whether `NumberText` keeps `cell` as a number (its text comes back exactly)."""
    return _number_form(cell)[0] != _AS_WRITTEN


def _number_form(cell: object) -> tuple[int, float]:
    """How `NumberText` keeps `cell`, and the number it keeps.

    As a float whose `repr` is its text, as a whole number written without a point, or
    as written.
    """
    if cell.__class__ is str:
        try:
            number = float(cell)
        except ValueError:
            return _AS_WRITTEN, 0.0
        if repr(number) == cell:
            return _AS_FLOAT, number
        if number.is_integer() and abs(number) < 2**53 and str(int(number)) == cell:
            return _AS_WHOLE, number
    return _AS_WRITTEN, 0.0


class NumberText(Sequence[str]):
    """Text cells that are mostly numbers, each kept as an 8-byte float.

    A cell is kept as a number only when its text comes back from it exactly (`"12.5"`,
    `"100"`); any other (`"0.50"`, `"1,250"`, `"abc"`) is kept as written, so every cell
    reads back as the text it was.
    """

    __slots__ = ("_forms", "_numbers", "_written")

    def __init__(self, cells: Iterable[str] = ()) -> None:
        self._numbers = array("d")
        self._forms = bytearray()
        self._written: dict[int, str] = {}
        for cell in cells:
            self.append(cell)

    @property
    def written(self) -> int:
        """How many cells are kept as written, not as numbers."""
        return len(self._written)

    def append(self, cell: str) -> None:
        """Add `cell` as the last row."""
        form, number = _number_form(cell)
        if form == _AS_WRITTEN:
            self._written[len(self._forms)] = cell
        self._numbers.append(number)
        self._forms.append(form)

    def __len__(self) -> int:
        return len(self._forms)

    @overload
    def __getitem__(self, row: int) -> str: ...

    @overload
    def __getitem__(self, row: slice) -> list[str]: ...

    def __getitem__(self, row: int | slice) -> str | list[str]:
        if isinstance(row, slice):
            return [self[at] for at in range(len(self._forms))[row]]
        row = range(len(self._forms))[row]  # IndexError as a list raises it
        form = self._forms[row]
        if form == _AS_FLOAT:
            return repr(self._numbers[row])
        if form == _AS_WHOLE:
            return str(int(self._numbers[row]))
        return self._written[row]

    def __iter__(self) -> Iterator[str]:
        return map(self.__getitem__, range(len(self._forms)))
