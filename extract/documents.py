"""Reading source documents: stable IDs, hashes, decoding with precise errors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import CorpusError, DocumentError

__all__ = ["SUFFIXES", "RawDocument", "list_corpus", "read_document"]

SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    path: str
    text: str
    sha256: str


def read_document(path: str | Path) -> RawDocument:
    """Read one UTF-8 document; the file stem is its stable ID."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(str(p), "no such file") from None
    except IsADirectoryError:
        raise DocumentError(str(p), "is a folder, not a document") from None
    except OSError as err:
        raise DocumentError(str(p), f"cannot be read ({err.strerror})") from None
    if p.suffix.lower() not in SUFFIXES:
        raise DocumentError(str(p), f"unsupported file type '{p.suffix}' (expected .txt or .md)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(str(p), "is not valid UTF-8", offset=err.start) from None
    if "\x00" in text:
        raise DocumentError(str(p), "looks binary (NUL byte)", offset=data.index(b"\x00"))
    if not text.strip():
        raise DocumentError(str(p), "is empty")
    return RawDocument(
        doc_id=p.stem,
        path=str(p),
        text=text.replace("\r\n", "\n").replace("\r", "\n"),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def list_corpus(folder: str | Path) -> list[Path]:
    """The documents of a corpus folder, sorted by name."""
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found")
    paths = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not paths:
        raise CorpusError(f"{root}: no .txt or .md documents")
    return paths
