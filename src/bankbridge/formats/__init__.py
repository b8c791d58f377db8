"""Bytes ⇄ statements: one sub-package per standard, a registry, and ``detect``.

Every format offers the protocol of :class:`bankbridge.formats.base.Format`. Use
:func:`bankbridge.formats.registry.read` to turn any file's bytes into statements.
"""
