"""Identifiers with check digits: IBAN/BIC, payment references (NL, RF, BE OGM), BSN.

Each module offers the same verbs as python-stdnum: ``compact``, ``validate``
(raises :class:`bankbridge.errors.InvalidIdentifier`), ``is_valid`` and ``format``.
"""
