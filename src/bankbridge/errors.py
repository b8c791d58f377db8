"""The one exception tree of bankbridge.

::

    BankbridgeError
    ├── InputError                 bad input from a user or a file (exit code 1)
    │   ├── ParseError             a statement file that cannot be read (file, line, column, excerpt, hint)
    │   ├── InvalidIdentifier      an IBAN, reference or BSN whose check digits fail
    │   ├── StatementInconsistent  opening balance + lines != closing balance
    │   └── LedgerImportError      a bad row in a ledger bundle (file, line, column)
    ├── LedgerError                the books refuse an operation
    │   ├── UnbalancedEntry
    │   ├── UnknownAccount         e.g. an IBAN no bank journal owns
    │   └── AlreadyMatched
    ├── BankApiError
    │   ├── BankUnavailable        retryable
    │   ├── BankRejected
    │   └── AuthorizationError
    ├── ConfigurationError
    └── PermissionDenied

Errors are turned into words and exit codes in exactly two places: the CLI wrapper
(``bankbridge.cli.main``) and the web exception handler.
"""

from __future__ import annotations


class BankbridgeError(Exception):
    """Base of every error bankbridge raises on purpose."""


class InputError(BankbridgeError):
    """Bad input: the user can fix it. The CLI exits with code 1."""


class ParseError(InputError):
    """A statement file (or part of one) that cannot be read.

    The message names the file, the line (or XML path) and the field, in one sentence.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
        field: str | None = None,
        excerpt: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.reason = message
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.field = field
        self.excerpt = excerpt
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """``file:line[:column]: [path: ][field: ]message[ (hint)]``."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.path:
            parts.append(self.path)
        if self.field:
            parts.append(self.field)
        text = ": ".join(parts) + f": {self.reason}"
        if self.excerpt:
            text += f" in {self.excerpt!r}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def located(self, *, file: str) -> ParseError:
        """The same error with the file name filled in."""
        return ParseError(
            self.reason,
            file=file,
            line=self.line,
            column=self.column,
            path=self.path,
            field=self.field,
            excerpt=self.excerpt,
            hint=self.hint,
        )


class InvalidIdentifier(InputError):
    """An identifier (IBAN, payment reference, BSN, …) that fails its checks."""


class StatementInconsistent(InputError):
    """A statement whose balances do not add up."""


class LedgerImportError(InputError):
    """A bad row in a ledger bundle: ``file:line: column: what is wrong``."""

    def __init__(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = message
        where = file if line is None else f"{file}:{line}"
        text = f"{where}: {column}: {message}" if column else f"{where}: {message}"
        super().__init__(text)


class LedgerError(BankbridgeError):
    """The books refuse an operation."""


class UnbalancedEntry(LedgerError):
    """A journal entry whose postings do not sum to zero."""


class UnknownAccount(LedgerError):
    """An account (IBAN, GL account, relation) the books do not know."""


class AlreadyMatched(LedgerError):
    """A line or open item that is already settled."""


class BankApiError(BankbridgeError):
    """Talking to a bank's API went wrong."""


class BankUnavailable(BankApiError):
    """The bank did not answer or answered 5xx: try again later."""


class BankRejected(BankApiError):
    """The bank refused the request (4xx other than authorisation)."""


class AuthorizationError(BankApiError):
    """Token or consent expired, revoked or invalid: the client must consent again."""


class ConfigurationError(BankbridgeError):
    """Settings that cannot work (e.g. a database URL of an unknown kind)."""


class PermissionDenied(BankbridgeError):
    """The caller may not see or change this administration's data."""
