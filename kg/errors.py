"""The one error catalogue of gba-kg: every failure a user can cause has a class here."""

from __future__ import annotations

__all__ = [
    "CorpusError",
    "DataFileError",
    "DocumentError",
    "GbaKgError",
    "GraphFileError",
    "OntologyError",
    "OutputLockedError",
    "QueryError",
    "StrictBuildError",
]


class GbaKgError(Exception):
    """Base class; ``str(err)`` is a one-line message and ``hint`` says what to do."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint


class DocumentError(GbaKgError):
    """A source document cannot be read or decoded."""

    def __init__(self, path: str, problem: str, *, offset: int | None = None, unit: str = "byte") -> None:
        where = f" at {unit} {offset}" if offset is not None else ""
        super().__init__(f"{path}: {problem}{where}")
        self.path = path
        self.problem = problem
        self.offset = offset


class CorpusError(GbaKgError):
    """The corpus folder is missing or holds no documents."""

    hint = "pass --corpus DIR with .txt, .md, .html, .docx or .pdf documents"


class DataFileError(GbaKgError):
    """The data file of known entities is malformed."""


class GraphFileError(GbaKgError):
    """A graph file is missing or cannot be parsed."""

    hint = "run 'gbakg build' first, or pass --out DIR where a graph was built"


class QueryError(GbaKgError):
    """A SPARQL query cannot be parsed or run."""


class OntologyError(GbaKgError):
    """The ontology and the code disagree."""


class OutputLockedError(GbaKgError):
    """Another build is writing the same output folder."""

    hint = "wait for the other build to finish, or build into another --out"


class StrictBuildError(GbaKgError):
    """With --strict, a document failed, so nothing was written."""

    hint = "fix or remove the documents named above, or build without --strict to skip them"

    def __init__(self, message: str, failures: list[DocumentError]) -> None:
        super().__init__(message)
        self.failures = failures
