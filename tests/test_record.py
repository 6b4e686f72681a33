"""``@record`` (netsep_check/_record.py) behaves as ``@dataclass(frozen=True)`` does."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsep_check._record import record


@record
class Plain:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()
    d: dict[str, int] = field(default_factory=dict)
    hidden: str = field(default="secret", repr=False)


@dataclasses.dataclass(frozen=True)
class Standard:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()
    d: dict[str, int] = field(default_factory=dict)
    hidden: str = field(default="secret", repr=False)


@record(slots=True)
class Slotted:
    a: int
    b: int = 2


@record(frozen=False)
class Mutable:
    a: int
    items: list[int] = field(default_factory=list)


values = st.tuples(st.integers(), st.text(max_size=5), st.tuples(st.integers()))


@given(values, values)
def test_equality_repr_and_hash_as_a_frozen_dataclass(left, right):
    ours = Plain(*left), Plain(*right)
    theirs = Standard(*left), Standard(*right)
    assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
    assert (ours[0] != ours[1]) == (theirs[0] != theirs[1])
    assert repr(ours[0]).replace("Plain", "X") == repr(theirs[0]).replace("Standard", "X")
    assert "secret" not in repr(ours[0])


def test_hash_of_hashable_fields_and_unhashable_like_dataclass():
    assert hash(Slotted(1)) == hash(Slotted(1))
    assert {Slotted(1), Slotted(1), Slotted(2)} == {Slotted(1), Slotted(2)}
    with pytest.raises(TypeError):
        hash(Plain(1))  # a dict field, as with @dataclass(frozen=True)
    with pytest.raises(TypeError):
        hash(Mutable(1))  # eq without frozen: unhashable, as with @dataclass


def test_frozen_fields_cannot_be_assigned_or_deleted():
    item = Plain(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.a = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del item.a  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Slotted(1).a = 3  # type: ignore[misc]
    mutable = Mutable(1)
    mutable.a = 5
    assert mutable.a == 5


def test_defaults_factories_and_arguments():
    one, two = Plain(1), Plain(1)
    assert one.d == {} and one.d is not two.d
    assert Plain(1, d={"x": 1}).d == {"x": 1}
    assert Plain(a=3, b="z").b == "z"
    assert Mutable(1).items is not Mutable(1).items
    with pytest.raises(TypeError):
        Plain()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Plain(1, nope=2)  # type: ignore[call-arg]


def test_dataclass_functions_work():
    item = Plain(1, "x", (2,))
    assert dataclasses.is_dataclass(item)
    assert [f.name for f in dataclasses.fields(item)] == ["a", "b", "c", "d", "hidden"]
    changed = dataclasses.replace(item, a=9)
    assert changed.a == 9 and changed.b == "x" and item.a == 1
    assert dataclasses.asdict(item)["c"] == (2,)
    assert Plain.__match_args__ == ("a", "b", "c", "d", "hidden")
    assert Slotted.__slots__ == ("a", "b")


def test_pickle_and_copy_round_trip():
    for item in (Plain(1, "x", (2,), {"k": 1}), Slotted(4, 5), Mutable(1, [2])):
        assert pickle.loads(pickle.dumps(item)) == item
        assert copy.deepcopy(item) == item
        assert copy.copy(item) == item


def test_the_ahead_of_time_table_is_up_to_date():
    """``_record_inits.py`` is exactly what ``python -m netsep_check._record`` writes now."""
    from pathlib import Path

    from netsep_check import _record

    table = Path(_record.__file__).with_name("_record_inits.py").read_text(encoding="utf-8")
    assert table == _record.generate(), "run: python -m netsep_check._record"


def test_every_package_record_uses_the_table_and_its_code_is_the_compiled_source():
    from netsep_check import _record
    from netsep_check._record_inits import CODES

    _record.generate()  # imports every module of the package
    ours = {n: s for n, s in _record.MADE.items() if n.startswith("netsep_check.")}
    assert len(ours) > 60
    for name, source in ours.items():
        assert source in CODES, name
        fresh = next(c for c in compile(source, "<string>", "exec", dont_inherit=True).co_consts
                     if hasattr(c, "co_code"))
        ahead = CODES[source]
        for attribute in ("co_code", "co_consts", "co_names", "co_varnames", "co_argcount",
                          "co_kwonlyargcount", "co_flags"):
            assert getattr(ahead, attribute) == getattr(fresh, attribute), (name, attribute)


def test_a_table_init_is_named_and_documented_like_the_class():
    from netsep_check.evaluate.findings import Finding
    from netsep_check.rules.model import Disabled

    assert Finding.__init__.__qualname__ == "Finding.__init__"
    assert Disabled.__doc__ == "Disabled(rule, reason, by_pack)"
    assert Disabled("R", "why", "p") == Disabled(rule="R", reason="why", by_pack="p")
    assert Plain.__init__.__code__.co_filename == "<string>"  # not in the table: compiled here
