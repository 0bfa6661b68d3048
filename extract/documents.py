"""Reading source documents: stable IDs, hashes, formats, encodings, and precise errors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import CorpusError, DocumentError

from .formats import BINARY, SUFFIX_FORMAT, DecodeError, binary_offset, detect_format, to_text

__all__ = ["DEFAULT_MAX_BYTES", "SUFFIXES", "RawDocument", "list_corpus", "read_document"]

SUFFIXES = tuple(SUFFIX_FORMAT)
DEFAULT_MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    path: str
    text: str
    sha256: str
    format: str = "text"
    encoding: str = "utf-8"


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read one document (plain text, Markdown, HTML, DOCX or PDF, told by content and extension, in
    any of the encodings ``extract.formats.decode_text`` knows); the file stem is its stable ID."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise IsADirectoryError
        if size > max_bytes:
            raise DocumentError(str(p), f"is {size} bytes, over the limit of {max_bytes} (raise it with --max-bytes)")
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(str(p), "no such file") from None
    except IsADirectoryError:
        raise DocumentError(str(p), "is a folder, not a document") from None
    except PermissionError:
        raise DocumentError(str(p), "cannot be read (permission denied)") from None
    except OSError as err:
        raise DocumentError(str(p), f"cannot be read ({err.strerror})") from None
    if not data:
        raise DocumentError(str(p), "is empty")
    fmt = detect_format(data, p.suffix)
    if fmt == BINARY:
        raise DocumentError(str(p), "looks binary (NUL or control bytes)", offset=binary_offset(data[:4096]))
    try:
        text, encoding = to_text(data, fmt, max_bytes=max_bytes)
    except DecodeError as err:
        raise DocumentError(str(p), err.problem, offset=err.offset) from None
    if "\x00" in text:
        raise DocumentError(str(p), "looks binary (NUL character)", offset=text.index("\x00"), unit="character")
    if not text.strip():
        raise DocumentError(str(p), "is empty" if fmt in ("text", "markdown") else f"has no text ({fmt})")
    return RawDocument(
        doc_id=p.stem,
        path=str(p),
        text=text.replace("\r\n", "\n").replace("\r", "\n"),
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        encoding=encoding,
    )


def list_corpus(folder: str | Path) -> list[Path]:
    """The documents of a corpus folder, sorted by name: files with a known extension
    (``SUFFIXES``) or none; hidden files are left out."""
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found")
    paths = sorted(
        p for p in root.iterdir() if not p.name.startswith(".") and p.is_file() and (p.suffix.lower() in SUFFIXES or not p.suffix)
    )
    if not paths:
        raise CorpusError(f"{root}: no documents ({', '.join(SUFFIXES)})")
    return paths
