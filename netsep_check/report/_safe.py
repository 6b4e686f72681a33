"""Text from a profile is shown, never obeyed.

A firm name, a note or a waiver's justification reaches a terminal, a Markdown comment and an
HTML page. Unchecked, a control character in it could colour or clear the terminal (CSI, ``ESC
[ ... m``), plant a hyperlink (OSC 8), retitle the window (OSC 0/2), overwrite the line
(carriage return, backspace) or, with a bidirectional override (U+202E), make ``gnp.exe`` read as
``exe.png`` and a failing line read as another. :func:`visible` turns every such character into
a visible, harmless spelling: C0 and C1 controls and DEL as ``\\x1b``-style escapes (so an
escape sequence shows as ``\\x1b[31m`` and does nothing), and bidirectional embeddings,
overrides, isolates and marks as ``<U+202E>``. Line feeds and tabs stay (a multi-line note is
still multi-line; they cannot move the cursor backwards). Every renderer passes
profile-derived text through this one function before it escapes for its own format.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls (U+009B is CSI, U+009D OSC on their own).
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidirectional formatting: LRM, RLM, ALM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
_BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}]")


def _spell(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def visible(text: object) -> str:
    """``text`` with every control character and bidirectional override made visible and
    inert (``\\x1b``, ``<U+202E>``); other text unchanged."""
    value = "" if text is None else str(text)
    if _UNSAFE.search(value) is None:  # the usual case: nothing to do
        return value
    return _UNSAFE.sub(_spell, value)


def has_unsafe(text: str) -> bool:
    """True when :func:`visible` would change ``text``."""
    return _UNSAFE.search(text) is not None
