"""SWIFT MT940 / MT942 bank statements: reader with bank dialects, and a writer.

``FORMAT`` is the object the registry uses (``name``, ``sniff``, ``parse``, ``write``);
``FORMAT.iter_file(path)`` streams the statements of a large file. Layers inside:
``tokens`` (lines → tagged fields), ``fields`` (field values), ``reader`` (fields →
statements), ``dialects`` (bank-specific refinement of a line), ``writer``.
"""

from bankbridge.formats.mt940.format import Mt940Format

FORMAT = Mt940Format()

__all__ = ["FORMAT", "Mt940Format"]
