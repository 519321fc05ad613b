"""A source file's bytes to text, as Python itself reads them, or the reason it cannot.

PEP 263: a ``coding`` cookie on line 1 or 2 names the encoding, a UTF-8 BOM means UTF-8, and
anything else is UTF-8. ``tokenize.detect_encoding`` does most of it, but refuses a cookie line
that is itself not UTF-8 (``# coding: latin-1`` followed by a Latin-1 letter), which Python
accepts, and reports its other refusals without a position. Here each refusal is one line with
the line and column to look at: the cookie, or the first byte that does not decode.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Optional, Union

#: PEP 263's cookie, on bytes.
COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_NEWLINE = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class Undecodable:
    """Why the bytes are not Python source text, and where (1-based line and column)."""

    message: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Decoded:
    text: str
    #: The codec that writes the text back as it was (``utf-8-sig`` keeps a BOM).
    encoding: str


def decode_source(data: bytes) -> Union[Decoded, Undecodable]:
    """The text of a ``.py`` file's bytes, BOM removed."""
    if b"\x00" in data:
        line, column = _position(data, data.index(b"\x00"))
        return Undecodable("binary content (NUL byte), not Python source", line, column)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        refusal = _cookie_refusal(data, str(error.msg))
        if isinstance(refusal, Undecodable):
            return refusal
        encoding = refusal
    if not _ascii_compatible(encoding):
        line, column = _cookie_position(data)
        return Undecodable(f"coding '{encoding}' cannot encode Python source (not ASCII-compatible)", line, column)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        name = "utf-8" if encoding == "utf-8-sig" else encoding
        return Undecodable(f"not valid {name}: cannot decode byte 0x{data[error.start]:02x}", line, column)
    return Decoded(text[1:] if text.startswith("\ufeff") else text, encoding)


def _cookie_refusal(data: bytes, message: str) -> Union[str, Undecodable]:
    """What ``tokenize`` refused: a usable cookie it could not read (its codec), or the reason."""
    cookie = _cookie(data)
    if cookie is None:  # no cookie: the first lines are not UTF-8
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = _position(data, error.start)
            return Undecodable(f"not valid utf-8: cannot decode byte 0x{data[error.start]:02x}", line, column)
        return Undecodable(f"bad encoding declaration: {message}")
    line, column, name = cookie
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return Undecodable(f"unknown encoding '{name}' in the coding declaration", line, column)
    if data.startswith(codecs.BOM_UTF8) and codec != "utf-8":
        return Undecodable(f"a UTF-8 BOM and a coding declaration for '{name}' disagree", line, column)
    if message.startswith("invalid or missing"):
        return name  # a cookie line that is not UTF-8 itself: Python reads it, so do we
    return Undecodable(f"bad encoding declaration: {message}", line, column)


def _cookie(data: bytes) -> "Optional[tuple[int, int, str]]":
    """(line, column, name) of the coding cookie on line 1 or 2, as Python looks for it."""
    text = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    lines = text.splitlines(keepends=True)[:2]
    for number, line in enumerate(lines, start=1):
        match = COOKIE.match(line)
        if match is not None:
            return number, match.start(1) + 1, match.group(1).decode("ascii")
        if not line.lstrip(b" \t\f").startswith((b"#", b"\r", b"\n")) and line.strip():
            return None  # PEP 263: line 2 counts only after a comment or blank line 1
    return None


def _cookie_position(data: bytes) -> "tuple[int, int]":
    cookie = _cookie(data)
    return (cookie[0], cookie[1]) if cookie is not None else (1, 1)


def _ascii_compatible(encoding: str) -> bool:
    try:
        return b"#x=1\n".decode(encoding) == "#x=1\n"
    except (UnicodeDecodeError, LookupError):
        return False


def _position(data: bytes, offset: int) -> "tuple[int, int]":
    """1-based line and column (in bytes) of ``offset``, lines ending as Python ends them."""
    line, start = 1, 0
    for match in _NEWLINE.finditer(data, 0, offset):
        line, start = line + 1, match.end()
    return line, offset - start + 1
