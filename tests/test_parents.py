"""An objective's parents: the `parents` mapping, the one-parent shorthand, and changes."""

import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkpi import AlignmentError, Objective, ValidationError
from okrkpi.serde import dumps, loads


def shared(**fields):
    return Objective("Shared", id="s", parents={"sales": 0.6, "product": 0.4}, **fields)


def test_parents_name_each_parent_with_its_weight_in_order():
    objective = shared()
    assert objective.parents == {"sales": 0.6, "product": 0.4}
    assert list(objective.parents) == ["sales", "product"]
    assert objective.parent_key_results == {}
    # The shorthand reads the first link, so `parent_id is None` still means a root.
    assert (objective.parent_id, objective.alignment_weight) == ("sales", 0.6)
    assert objective.parent_key_result_id is None


@given(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3]), st.none() | st.just("kr"))
def test_the_shorthand_equals_one_parent_given_as_parents(weight, key_result):
    short = Objective(
        "T", id="t", parent_id="p", alignment_weight=weight, parent_key_result_id=key_result
    )
    driven = {} if key_result is None else {"p": key_result}
    full = Objective("T", id="t", parents={"p": weight}, parent_key_results=driven)
    assert short == full
    assert hash(short) == hash(full)
    assert repr(short) == repr(full)
    assert (full.parent_id, full.alignment_weight, full.parent_key_result_id) == (
        "p",
        weight,
        key_result,
    )
    assert short.parents == {"p": weight}


def test_parents_may_be_given_as_ids_or_pairs():
    assert Objective("T", parents=["a", "b"]).parents == {"a": 1.0, "b": 1.0}
    assert Objective("T", parents=[("a", 2), "b"]).parents == {"a": 2.0, "b": 1.0}
    assert Objective("T", parents={}).parent_id is None


def test_order_matters_between_objectives_but_not_against_a_dict():
    one = Objective("T", parents={"a": 1, "b": 1})
    other = Objective("T", parents={"b": 1, "a": 1})
    assert one.parents == {"b": 1.0, "a": 1.0}
    assert one != other  # the first parent is the one the shorthand reads
    assert one.parent_id != other.parent_id


def test_a_root_keeps_its_weight_for_the_day_it_is_aligned():
    root = Objective("R", id="r", alignment_weight=3)
    assert (root.parents, root.alignment_weight) == ({}, 3.0)
    assert attrs.evolve(root, parent_id="p").parents == {"p": 3.0}
    assert Objective("R", id="r") != root


def test_evolve_changes_only_what_it_is_given():
    objective = shared(parent_key_results={"product": "launch"})
    assert attrs.evolve(objective, title="Renamed").parents == objective.parents
    assert attrs.evolve(objective, title="Renamed").parent_key_results == {"product": "launch"}
    moved = attrs.evolve(objective, parent_id="product")  # one parent: that link stays
    assert (moved.parents, moved.parent_key_results) == ({"product": 0.4}, {"product": "launch"})
    elsewhere = attrs.evolve(objective, parent_id="other")
    assert elsewhere.parents == {"other": 0.6}
    detached = attrs.evolve(objective, parent_id=None, parent_key_result_id=None)
    assert (detached.parents, detached.parent_key_results) == ({}, {})
    reweighted = attrs.evolve(objective, parents={"sales": 1, "product": 3})
    assert reweighted.parents == {"sales": 1.0, "product": 3.0}
    assert reweighted.parent_key_results == {"product": "launch"}  # still its parent
    assert attrs.evolve(objective, parents={"sales": 1}).parent_key_results == {}
    relinked = attrs.evolve(objective, parent_key_results={"sales": "revenue"})
    assert relinked.parent_key_results == {"sales": "revenue"}


def test_evolve_keeps_the_one_parent_behaviour():
    child = Objective("C", id="c", parent_id="a", parent_key_result_id="k", alignment_weight=2)
    moved = attrs.evolve(child, parent_id="b")
    assert (moved.parent_id, moved.alignment_weight, moved.parent_key_result_id) == ("b", 2.0, "k")
    assert attrs.evolve(child, alignment_weight=5).parents == {"a": 5.0}
    assert attrs.evolve(child, parent_key_result_id=None).parent_key_results == {}
    root = attrs.evolve(child, parent_id=None, parent_key_result_id=None)
    assert (root.parent_id, root.alignment_weight) == (None, 2.0)
    with pytest.raises(ValidationError, match="a parent id with parent_key_result_id"):
        attrs.evolve(root, parent_key_result_id="k")
    again = attrs.evolve(root, parents={"x": 1, "y": 1})
    assert again.parents == {"x": 1.0, "y": 1.0}


def test_the_shorthand_cannot_change_one_link_of_several():
    objective = shared()
    with pytest.raises(ValidationError) as caught:  # contradicting arguments, not a loop
        attrs.evolve(objective, alignment_weight=2)
    assert not isinstance(caught.value, AlignmentError)
    assert str(caught.value) == (
        "Objective('s').alignment_weight: the one-parent shorthand, but it has several "
        "parents ('sales', 'product'): change parents instead"
    )
    with pytest.raises(ValidationError, match="change parent_key_results instead"):
        attrs.evolve(objective, parent_key_result_id="k")


def test_every_problem_with_the_parents_is_reported_at_once():
    # Bad weights are bad input (ValidationError); the report still holds every problem.
    with pytest.raises(ValidationError) as caught:
        Objective(
            "S",
            id="s",
            parents=[("a", float("nan")), ("b", -1), ("s", 1), ("c", 1), ("c", 2), (3, 1)],
            parent_key_results={"zz": "k"},
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "Objective('s').parents['a']: expected a finite number, got nan",
        "Objective('s').parents['b']: expected a number >= 0, got -1",
        "Objective('s').parents[4]: parent 'c' named twice",
        "Objective('s').parents[5]: expected a parent id (a non-empty string, no blanks at either end), got 3",
        "Objective('s').parents['s']: aligned to itself ('s')",
        "Objective('s').parent_key_results: expected one of its parents ('s', 'c'), got 'zz'",
    ]
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"parents": {"a": 0, "b": 0}}, "parents: expected at least one weight > 0"),
        ({"parents": "a"}, "parents: expected a mapping of parent id -> weight"),
        ({"parents": 3}, "parents: expected a mapping of parent id -> weight"),
        ({"parents": [("a", 1, 2)]}, r"parents\[0\]: expected a parent id or \(id, weight\)"),
        ({"parents": {"a": True}}, r"parents\['a'\]: expected a number, got True"),
        ({"parents": {"a": 1, "b": 1}, "parent_id": "a"}, "parent_id: 'a' given with parents"),
        ({"parents": {"a": 1, "b": 1}, "alignment_weight": 2}, "give the weight in parents"),
        ({"parents": {"a": 1, "b": 1}, "parent_key_result_id": "k"}, "give parent_key_results"),
        ({"parent_key_results": "k", "parent_id": "a"}, "parent_key_results: expected a mapping"),
        ({"parent_key_results": [("a",)], "parent_id": "a"}, r"parent_key_results\[0\]"),
        ({"parent_key_results": {"a": ""}, "parent_id": "a"}, "expected a key result id"),
        ({"parent_key_results": {" ": "k"}, "parent_id": "a"}, "expected a parent id"),
        ({"parent_key_results": [("a", "k"), ("a", "j")], "parent_id": "a"}, "named twice"),
        ({"parent_key_results": {"b": "k"}, "parent_id": "a"}, "one of its parents \\('a'\\)"),
    ],
)
def test_bad_links_are_refused_naming_the_field_and_value(fields, message):
    # A bad value is a ValidationError; AlignmentError is kept for the graph's shape.
    with pytest.raises(ValidationError, match=message) as caught:
        Objective("S", id="s", **fields)
    assert isinstance(caught.value, AlignmentError) == ("named twice" in message)


def test_a_consistent_shorthand_beside_parents_is_accepted():
    objective = Objective(
        "S",
        id="s",
        parents={"a": 2},
        parent_id="a",
        alignment_weight=2,
        parent_key_result_id="k",
        parent_key_results={"a": "k"},
    )
    assert (objective.parents, objective.parent_key_results) == ({"a": 2.0}, {"a": "k"})
    assert Objective("R", parents={}, alignment_weight=3).alignment_weight == 3.0
    with_key_result = Objective("S", parent_id="a", parent_key_results={"a": "k"})
    assert with_key_result.parent_key_result_id == "k"
    root = Objective("R", parent_key_results={}, alignment_weight=2)
    assert (root.parent_id, root.alignment_weight) == (None, 2.0)


def test_an_objective_cannot_become_its_own_parent_by_a_new_id():
    with pytest.raises(AlignmentError, match=r"Objective\('sales'\).parents\['sales'\]"):
        attrs.evolve(shared(), id="sales")
    with pytest.raises(AlignmentError, match=r"Objective\('a'\).parent_id: aligned to itself"):
        attrs.evolve(Objective("C", id="c", parent_id="a"), id="a")


def test_links_survive_pickling_and_serde():
    objective = shared(parent_key_results={"product": "launch"})
    assert pickle.loads(pickle.dumps(objective)) == objective
    assert loads(dumps(objective), Objective) == objective
    assert pickle.loads(pickle.dumps(objective.parents)) == objective.parents


def test_repr_shows_the_links_as_given():
    assert repr(shared()).endswith(
        "initiatives=(), parents={'sales': 0.6, 'product': 0.4}, parent_key_results={})"
    )
    one = repr(Objective("C", id="c", parent_id="a"))
    assert "parent_id='a', parent_key_result_id=None," in one
    assert "alignment_weight=1.0," in one
    assert "parents=" not in one


def test_links_compare_with_mappings_only():
    links = shared().parents
    assert links != [("sales", 0.6), ("product", 0.4)]
    assert links == {"product": 0.4, "sales": 0.6}
    assert "sales" in links
    assert len(links) == 2
    assert hash(links) == hash(shared().parents)


def test_many_parents_are_looked_up_by_id():
    many = {f"p{i}": float(i + 1) for i in range(12)}
    objective = Objective("S", id="s", parents=many)
    assert objective.parents["p11"] == 12.0
    assert "p7" in objective.parents
    assert "nowhere" not in objective.parents
    assert objective.parents.get("nowhere") is None
    assert list(objective.parents) == list(many)
    with pytest.raises(AlignmentError, match=r"parents\['p3'\]: aligned to itself"):
        attrs.evolve(objective, id="p3")


def test_objectives_print_as_written_in_notebooks_and_as_attrs_fields():
    from IPython.lib.pretty import pretty

    objective = shared()
    assert pretty(objective) == repr(objective)
    fields = attrs.asdict(objective, recurse=False)
    assert (objective.parent_id, objective.alignment_weight) == ("sales", 0.6)
    assert "parent_id" not in fields  # read from the links, which are shown once
    assert fields["parents"] == {"sales": 0.6, "product": 0.4}
    assert not any(name.startswith("_") for name in fields)


def test_serde_refuses_links_that_are_not_objects():
    from okrkpi.serde import Document, from_dict

    with pytest.raises(ValidationError) as caught:
        from_dict(
            {
                "objectives": [
                    {"title": "A", "parents": ["b"]},
                    {"title": "B", "parent_id": "a", "parent_key_results": "k"},
                ]
            },
            Document,
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "objectives[0].parents: expected an object of parent id -> weight, got ['b']",
        (
            "objectives[1].parent_key_results: expected an object of parent id -> key result id, "
            "got 'k'"
        ),
    ]


def test_bad_weights_are_bad_input_and_every_link_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        Objective("S", id="s", parents={"a": float("nan"), "b": 1})
    assert not isinstance(caught.value, AlignmentError)  # kept for the graph's shape
    with pytest.raises(ValidationError) as caught:
        Objective(
            "Me",
            id="me",
            parents={"a": float("nan"), "me": 1},
            parent_key_results={"z": 3},
            alignment_weight=-1,
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "Objective.alignment_weight: expected a number >= 0, got -1",
        "Objective('me').parents['a']: expected a finite number, got nan",
        "Objective('me').parent_key_results['z']: expected a key result id (no blanks at either end), got 3",
        "Objective('me').parents['me']: aligned to itself ('me')",
    ]
    assert not isinstance(caught.value, AlignmentError)
    with pytest.raises(AlignmentError, match=r"parents\['s'\]: aligned to itself"):
        Objective("S", id="s", parents={"a": 1, "s": 1})  # only the shape: AlignmentError


@pytest.mark.parametrize("unordered", [{"sales", "product"}, frozenset({"sales", "product"})])
def test_parents_given_as_a_set_are_refused_as_they_have_no_first(unordered):
    with pytest.raises(
        ValidationError, match=r"Objective\('x'\).parents: expected parents in order"
    ):
        Objective("X", id="x", parents=unordered)
    ordered = Objective("X", id="x", parents={"sales": 1, "product": 1}.keys())
    assert ordered.parent_id == "sales"  # a dict's keys keep their order


def test_json_refuses_every_repeated_key_with_its_path():
    # Python's JSON reader keeps the last value: a parent named twice would lose a weight.
    with pytest.raises(ValidationError) as caught:
        loads('{"title": "X", "id": "x", "parents": {"a": 0.6, "a": 0.4}}', Objective)
    assert [str(problem) for problem in caught.value.problems] == [
        "parents.a: the key 'a' is given twice"
    ]
    with pytest.raises(ValidationError) as caught:
        loads(
            '{"title": "X", "title": "Y", "key_results": [{"title": "k",'
            ' "measure": {"kind": "binary", "kind": "binary"}}]}',
            Objective,
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "title: the key 'title' is given twice",
        "key_results[0].measure.kind: the key 'kind' is given twice",
    ]
    written = dumps(shared(parent_key_results={"product": "k"}))
    assert loads(written, Objective) == shared(parent_key_results={"product": "k"})


def test_a_one_parent_key_result_that_contradicts_parent_key_results_reads_well():
    with pytest.raises(ValidationError) as caught:
        Objective(
            "S", id="s", parents={"a": 1}, parent_key_result_id="k", parent_key_results={"a": "j"}
        )
    assert str(caught.value) == (
        "Objective('s').parent_key_result_id: 'k' given with parent_key_results "
        "{'a': 'j'}: give one"
    )
    with pytest.raises(ValidationError, match=r"it has 2 parents \('a', 'b'\)"):
        Objective("S", id="s", parents=["a", "b"], parent_key_result_id="k")
