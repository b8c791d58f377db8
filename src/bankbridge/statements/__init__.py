"""Bank-side records: statements, their lines and balances, and pure checks on them."""

from bankbridge.statements.model import (
    Balance,
    Diagnostic,
    ParseResult,
    Source,
    Statement,
    StatementLine,
)

__all__ = ["Balance", "Diagnostic", "ParseResult", "Source", "Statement", "StatementLine"]
