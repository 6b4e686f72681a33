"""``resolve_below`` (netsep_check/load/paths.py) is ``Path.resolve()``, whatever lies below."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.load.paths import resolve_below

PARTS = st.sampled_from(["a", "b", "link", "loop", "up", "..", ".", "missing", "file.yaml"])


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True, exist_ok=True)
    (root / "a" / "file.yaml").write_text("x: 1\n", encoding="utf-8")
    for name, target in (("link", "a/b"), ("up", ".."), ("loop", "loop")):
        if not os.path.lexists(root / "a" / name):
            os.symlink(target, root / "a" / name)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(PARTS, max_size=7))
def test_resolve_below_is_path_resolve(tmp_path_factory, parts):
    root = tmp_path_factory.getbasetemp().resolve() / "paths-tree"
    _tree(root)
    path = root.joinpath("a", *parts)
    try:
        expected = path.resolve()
    except RuntimeError:  # a link loop: resolve_below takes Path.resolve's way and says so too
        try:
            resolve_below(path, root)
        except RuntimeError:
            return
        raise AssertionError(f"{path}: no loop reported") from None
    assert resolve_below(path, root) == expected


def test_a_path_not_below_the_root_is_resolved_the_general_way(tmp_path):
    root = tmp_path.resolve()
    assert resolve_below(Path("relative/x"), root) == Path("relative/x").resolve()
    assert resolve_below(root.parent / "other", root) == (root.parent / "other").resolve()
