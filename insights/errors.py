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


class ImportNeedsInputError(ImportFileError):
    """A file lacks something the person importing it can give: the day of an ads export
    without a day column (`needs` "day"), the Instagram account of a post export that does not
    name it ("account"). The message says what is missing; how to give it depends on where the
    file was imported (a command-line option, a field of the upload form), so each caller
    words that part with `explain`."""

    def __init__(self, file_name: str, needs: str, line: int | None = None) -> None:
        self.file_name = file_name
        self.needs = needs
        self.line = line
        super().__init__(self.explain(""))

    def explain(self, how: str) -> str:
        """The message, `how` telling the way to give what is missing ("with --date")."""
        where = f"{self.file_name}, line {self.line}" if self.line else self.file_name
        how = f" {how}" if how else ""
        if self.needs == "day":
            return (
                f"{where}: the row has no single day (export with the breakdown By time > "
                f"Day, or give the day the figures belong to{how}). Nothing was imported."
            )
        return (
            f"{where}: the file does not say which Instagram account its posts belong to "
            f"(no Account column): give the account{how}. Nothing was imported."
        )


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
