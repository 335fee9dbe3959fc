"""The product's exceptions: each layer raises its own, with a message a marketer can act on.

Only the UI turns these into on-page messages; the CLI prints `str(error)` and exits non-zero.
"""

from __future__ import annotations


class InsightsError(Exception):
    """Base of every error the product reports to a person."""


class StoreError(InsightsError):
    """The DuckDB store cannot be opened or written."""


class StoreBusyError(StoreError):
    """Another process holds the store's file lock (`holder`: its process id, when known)."""

    def __init__(self, message: str, path: str = "", holder: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.holder = holder


class ImportFileError(InsightsError):
    """A CSV file cannot be imported; nothing was written."""


class QueryError(InsightsError):
    """A query file is malformed or was called with the wrong parameters."""


class IngestError(InsightsError):
    """An ingest failed; the store was left as it was before the run."""


class IngestCancelled(IngestError):
    """Someone cancelled the run; the store was left as it was."""


class ApiError(IngestError):
    """The API answered with an error (already masked of any token)."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        status: int | None = None,
        transient: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.subcode = subcode
        self.status = status
        self.transient = transient


class AuthError(ApiError):
    """The access token is invalid, expired, or lacks a permission: retrying will not help."""


class TooMuchDataError(ApiError):
    """The API asks for less data per request (100/1487534, or HTTP 500 "Please reduce the
    amount of data"): a smaller window, a smaller page or an async report will do."""


class VersionError(ApiError):
    """The API refused the configured version as ended (error 2635)."""
