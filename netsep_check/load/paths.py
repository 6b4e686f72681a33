"""``Path.resolve()`` for the many paths below one folder that is already resolved.

Resolving a path asks the file system about every one of its parts (``lstat``), from ``/``
down; a pack of a dozen files inside an installed package asks some seven hundred times.
Below a folder that is itself the result of ``resolve()`` only the parts under it can hold a
link, so only they are asked about; a path with a link among them, or one not under the
folder, is resolved by ``Path.resolve`` itself.
"""

from __future__ import annotations

import os
from pathlib import Path


def resolve_below(path: Path, resolved_root: Path) -> Path:
    """Exactly ``path.resolve()`` (``strict=False``), given that ``resolved_root`` is a
    resolved folder (``resolved_root == resolved_root.resolve()``)."""
    text, root = str(path), str(resolved_root)
    if not path.is_absolute() or not text.startswith(root + os.sep):
        return path.resolve()
    current = root
    for part in text[len(root) + 1:].split(os.sep):
        if part in ("", "."):
            continue
        if part == "..":
            current = os.path.dirname(current)
            continue
        current = os.path.join(current, part)
        if os.path.islink(current):  # a link below the folder: the general way
            return path.resolve()
    return Path(current)
