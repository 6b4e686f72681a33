"""Review 9 (cold review of e62b5be..ec097ca): each test here failed on ec097ca."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_hostile_classes import EXAMPLES, ROOT, _kill_outright, _providers


@pytest.fixture(scope="module")
def long_profiles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many9")
    text = json.dumps(_providers(1000, True))
    for index in range(256):
        (folder / f"p{index:04}.json").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/stat").exists(),
                    reason="prctl and /proc: Linux only")
def test_killing_a_batch_with_a_progress_bar_outright_ends_every_worker(long_profiles, tmp_path):
    """stderr a terminal: the progress bar's thread runs, so the workers start from the
    fork server (batch._context). A worker is then the fork server's child, and, as every
    client of it, holds the write end of the server's "alive" pipe: the server ends only
    when every holder closed it. With PR_SET_PDEATHSIG tied to the server, SIGKILL of the
    command left the server waiting for the workers and the workers waiting for the server
    (and for a queue nobody writes): all lived on for ever."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netsep_check", "check", long_profiles, "--jobs", "2",
         "--format", "json", "-o", tmp_path / "r.json", "--evidence-root", EXAMPLES],
        stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT, start_new_session=True,
        env={**os.environ, "TMPDIR": str(tmp_path)})
    os.close(slave)

    def drain() -> None:  # the progress bar must not block on a full terminal
        try:
            while os.read(master, 4096):
                pass
        except OSError:
            pass
    threading.Thread(target=drain, daemon=True).start()
    try:  # the command, the resource tracker, the fork server and 2 workers
        left = _kill_outright(proc, 5, 10)
    finally:
        os.close(master)
    assert left == [], "workers (and the fork server) outlived the command"


def test_a_python_without_ctypes_still_runs_a_batch(monkeypatch):
    """_end_with_parent promised "elsewhere (no prctl) nothing changes", but a Python built
    without ctypes (_ctypes needs libffi) raised ImportError from the worker's initializer:
    every worker failed to start and the batch reported a lost worker (exit 2)."""
    from netsep_check import batch

    monkeypatch.setitem(sys.modules, "ctypes", None)  # import ctypes -> ImportError
    batch._end_with_parent(signal.SIGKILL)  # no exception


# --- what held (kept as guards): the fast checks never say "valid" where the project's ---
# --- jsonschema validator finds an error, at the list lengths where the paths change   ---

_SCALE = int(os.environ.get("NETSEP_FUZZ_SCALE", "1"))


class _Text(str):
    """A str subclass: jsonschema reads it as a string; the old column check did not."""


_LENGTHS = st.sampled_from([0, 1, 8, 9, 10, 63, 64, 65, 255, 256, 257])
_ODD_TEXT = st.one_of(
    st.sampled_from(["abc", "a_b", "x", "", "ab\n", "12", "é", "a.b.com", "*.x.org", "-a",
                     "2024-01-01", "2024-02-30"]),
    st.text(alphabet="ab_.\n1-", max_size=5), st.integers(-1, 3), st.none(), st.booleans(),
    st.just(1.5), st.just(b"abc"), st.just(_Text("abc")), st.just(_Text("a b")),
    st.lists(st.just("a"), max_size=1), st.just({"a": "b"}), st.just(("a",)))


def _reference(schema):
    from netsep_check.validate.schema_errors import validator
    return validator(schema)


@settings(max_examples=300 * _SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(leaf=st.fixed_dictionaries({}, optional={
           "type": st.just("string"),
           "pattern": st.sampled_from(["^[a-z_]+$", "^[a-z]{1,3}$", "[0-9]", "^a", "^[a-z.]*$",
                                       "^[^x]*$", "host"]),
           "minLength": st.integers(0, 2), "maxLength": st.integers(2, 6),
           "enum": st.just(["abc", "a_b", "x", "ab", "12", 1, True]), "format": st.just("date")}),
       through_ref=st.booleans(), distinct=st.sampled_from([None, True, False]),
       base=st.sampled_from(["abc", "a.b", "x", "2024-01-01", "ab"]), count=_LENGTHS,
       odd=st.lists(_ODD_TEXT, max_size=3), where=st.integers(0, 300), apart=st.booleans())
def test_a_long_list_of_texts_is_never_valid_where_jsonschema_finds_an_error(
        leaf, through_ref, distinct, base, count, odd, where, apart):
    """validate/fast.py: a pattern's join or search as the type check, uniqueItems fused with
    the items; str subclasses, bytes, bool and numbers among texts; the host-name pattern's
    byte scan; a $ref chain."""
    from netsep_check.validate.fast import compile_schema
    from netsep_check.validate.fast_checks import HOST_PATTERN

    if leaf.get("pattern") == "host":
        leaf = {**leaf, "pattern": HOST_PATTERN}
    items = [f"{base}{i}" if apart and i else base for i in range(count)]
    items[where:where] = odd
    schema = {"type": "array", "items": {"$ref": "#/$defs/x"} if through_ref else leaf}
    if through_ref:
        schema["$defs"] = {"x": leaf}
    if distinct is not None:
        schema["uniqueItems"] = distinct
    check = compile_schema(schema)
    if check is not None and check(items):
        assert _reference(schema).is_valid(items), (schema, odd)


_RECORD = st.fixed_dictionaries({}, optional={
    "id": st.sampled_from(["a", "b", 1, None, _Text("a"), "a b", b"a"]),
    "path": st.sampled_from(["p", "", 3]), "x_note": st.just("n"), "other": st.just(1)})


@settings(max_examples=300 * _SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(required=st.sampled_from([[], ["id"], ["id", "path"]]), notes=st.booleans(),
       distinct=st.booleans(), count=_LENGTHS, where=st.integers(0, 300),
       odd=st.lists(st.one_of(_RECORD, st.sampled_from(
           ["id", "", None, 1, True, b"id", ("id",), ["id"], [], _Text("id")])), max_size=3))
def test_a_long_list_of_records_is_never_valid_where_jsonschema_finds_an_error(
        required, notes, distinct, count, where, odd):
    """validate/fast.py record_column: an item that is not a mapping is now found by
    itemgetter's TypeError, not by reading every item's type first."""
    from netsep_check.validate.fast import compile_schema

    node = {"type": "object", "additionalProperties": False, "required": required,
            "properties": {"id": {"type": "string", "pattern": "^[a-z0-9]+$"},
                           "path": {"type": "string", "minLength": 1}}}
    if notes:
        node["patternProperties"] = {"^x_": {}}
    items = [{"id": f"i{k}", "path": "p"} for k in range(count)]
    items[where:where] = odd
    schema = {"type": "array", "items": node, **({"uniqueItems": True} if distinct else {})}
    check = compile_schema(schema)
    if check is not None and check(items):
        assert _reference(schema).is_valid(items), (schema, odd)
