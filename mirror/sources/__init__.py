"""Sync sources: what each app sends down to mirrors, and how a mirror applies it.

See mirror/sources/base.py for the contract and docs in mirror/README.md for
how media items, lessons and quizzes plug in.
"""

from .base import FileRef, Record, SyncSource, get_source, get_sources, register_source

__all__ = ["FileRef", "Record", "SyncSource", "get_source", "get_sources", "register_source"]
