"""The compact columns a CSV folder is read into: the same cells, in a few bytes each."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkpi._edges._cells import _CHUNK, ChunkedText, NumberText, SharedCells, writes_a_number

texts = st.lists(st.text(max_size=6), max_size=3 * _CHUNK + 5)


@given(texts)
def test_chunked_text_gives_back_every_cell_as_written(cells):
    column = ChunkedText(cells)
    assert len(column) == len(cells)
    assert list(column) == cells
    assert [column[row] for row in range(len(cells))] == cells
    assert column[::7] == cells[::7]
    if cells:
        assert column[-1] == cells[-1]


def test_a_cell_holding_the_separator_keeps_its_chunk_exact():
    cells = [f"a\x00{n}" if n == 3 else str(n) for n in range(_CHUNK + 1)]
    column = ChunkedText(cells)
    assert list(column) == cells
    assert column[3] == "a\x003"


def test_out_of_range_rows_raise_index_error_as_a_list_does():
    column = ChunkedText(["a"])
    with pytest.raises(IndexError):
        column[1]


def test_released_chunks_are_dropped_once_every_row_is_read():
    cells = [f"{n}.25" for n in range(2 * _CHUNK + 3)]
    column = ChunkedText(cells)
    column.release(range(_CHUNK - 1))
    assert column[0] == "0.25"  # a chunk with a row still to read is kept whole
    column.release([0, _CHUNK - 1])  # a row released twice counts once
    assert column[0] is None
    assert column[_CHUNK] == f"{_CHUNK}.25"
    column.release(range(2 * _CHUNK, 2 * _CHUNK + 3))  # the open chunk is kept
    assert column[2 * _CHUNK + 2] == f"{2 * _CHUNK + 2}.25"
    assert list(column)[: _CHUNK + 1] == [None] * _CHUNK + [f"{_CHUNK}.25"]


def test_a_chunk_read_last_stays_split_while_others_are_released():
    cells = [f"row {n}" for n in range(3 * _CHUNK)]
    column = ChunkedText(cells)
    assert column[1] == "row 1"  # chunk 0 is the one read last
    column.release(range(_CHUNK, 2 * _CHUNK))  # another chunk dropped whole
    assert column[2] == "row 2"  # still read from the split kept for chunk 0
    assert column[_CHUNK + 1] is None
    assert column[2 * _CHUNK] == f"row {2 * _CHUNK}"


def test_chunked_text_costs_far_less_than_a_list_of_strings():
    cells = [f"{n * 1.37:.6f}" for n in range(20 * _CHUNK)]
    column = ChunkedText(cells)
    kept = sum(sys.getsizeof(chunk) for chunk in column._chunks)
    listed = sys.getsizeof(cells) + sum(map(sys.getsizeof, cells))
    assert kept < listed / 3


@given(st.lists(st.sampled_from(["o1", "o2", "k", None, ""]), max_size=200))
def test_shared_cells_give_back_every_cell_and_keep_each_distinct_one_once(cells):
    column = SharedCells(cells)
    assert list(column) == cells
    assert [column[row] for row in range(len(cells))] == cells
    assert column[1:4] == cells[1:4]
    assert column.shared == len(set(cells))
    for row, cell in enumerate(cells):
        assert column[row] is column[cells.index(cell)]


def test_an_unshared_cell_is_kept_but_not_known():
    column = SharedCells(["ok"])
    column.append("bad", share=False)
    column.append("bad", share=False)
    assert list(column) == ["ok", "bad", "bad"]
    assert column.knows("ok")
    assert not column.knows("bad")
    column[0] = "bad"
    assert list(column) == ["bad", "bad", "bad"]
    assert column.knows("bad")


def test_codes_widen_as_distinct_cells_grow():
    column = SharedCells(str(n % 3) for n in range(100))
    assert column._codes.itemsize == 1
    for n in range(70_000):
        column.append(f"id{n}")
    assert column._codes.itemsize == 4
    assert column[99] == "0"
    assert column[-1] == "id69999"
    assert column[300] == "id200"
    column[0] = "id5"
    assert column[0] == "id5"


number_texts = st.one_of(
    st.floats().map(repr),
    st.integers(min_value=-(2**60), max_value=2**60).map(str),
    st.sampled_from(["0.50", "1,250", "1_000", " 5", "-0", "007", "1e3", "nan", "-inf", "abc", ""]),
    st.text(max_size=6),
)


@given(st.lists(number_texts, max_size=300))
def test_number_text_gives_back_every_cell_as_written(cells):
    column = NumberText(cells)
    assert len(column) == len(cells)
    assert list(column) == cells
    assert [column[row] for row in range(len(cells))] == cells
    assert column[::3] == cells[::3]
    if cells:
        assert column[-1] == cells[-1]
    assert column.written == sum(not writes_a_number(cell) for cell in cells)


def test_number_text_keeps_a_number_only_when_its_text_comes_back_exactly():
    assert all(map(writes_a_number, ["12.5", "100", "-3", "0.1", "1e+100", "-0.0"]))
    assert not any(map(writes_a_number, ["0.50", "1,250", "1_000", " 5", "-0", "007", "x", 5.0]))
    assert not writes_a_number(str(2**60))  # past 2**53 a float would not write it back
    with pytest.raises(IndexError):
        NumberText(["1.5"])[1]


def test_number_text_costs_a_float_and_a_byte_a_number():
    cells = [repr(number * 1.37) for number in range(10_000)]
    column = NumberText(cells)
    kept = sys.getsizeof(column._numbers) + sys.getsizeof(column._forms)
    assert column.written == 0
    assert kept < 10 * len(cells)  # against about 60 bytes a cell kept as its own string
