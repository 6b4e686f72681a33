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

# C0 controls but tab and line feed, DEL, C1 controls (U+009B is CSI, U+009D OSC on their own);
# bidirectional formatting: LRM, RLM, ALM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
_UNSAFE_CODES = (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0),
                 0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_UNSAFE = frozenset(map(chr, _UNSAFE_CODES))
# each one's visible spelling; a table for str.translate (a regular expression over these
# characters would cost every run 2.7 million instructions to compile)
_SPELLING = {code: f"\\x{code:02x}" if code <= 0x9F else f"<U+{code:04X}>"
             for code in _UNSAFE_CODES}


def visible(text: object) -> str:
    """``text`` with every control character and bidirectional override made visible and
    inert (``\\x1b``, ``<U+202E>``); other text unchanged."""
    value = "" if text is None else str(text)
    if not has_unsafe(value):  # the usual case: nothing to do
        return value
    return value.translate(_SPELLING)


def has_unsafe(text: str) -> bool:
    """True when :func:`visible` would change ``text``. Every such character is one that
    ``str.isprintable`` refuses (Cc, Cf), so a printable text is settled at once."""
    return not text.isprintable() and not _UNSAFE.isdisjoint(text)
