"""Sync sources: what each app sends down to mirrors, and how a mirror applies it.

This package is mirror's public API for an app's ``mirror_sources`` module: the
contract (``SyncSource``, ``Record``, ``FileRef``, ``register_source``) and the
helpers a source may need. An app imports them from here, never from the modules
behind it, so mirror may rearrange its inside freely (tests/house checks it).
See mirror/sources/base.py for the contract and mirror/README.md for how media
items, lessons and quizzes plug in.
"""

from importlib import import_module

from .base import FileRef, Record, SyncSource, get_source, get_sources, register_source

# Helpers loaded when first asked for: some need the models, and this package is
# imported while apps are still loading.
_HELPERS = {
    "reset_sequences": ".base",
    "central_file_sha": ".files",
    "stored_file_sha": ".files",
    "stored_folder_manifest": ".folders",
    "link_or_copy": ".files",
    "delete_unless_used": ".core",
    "folder_manifest": ".folders",
    "held_payload": ".held",
    "kept_manifest": ".folders",
    "kept_shas": ".folders",
    "manifest_refs": ".folders",
    "materialize_folder": ".folders",
    "prune_master_playlist": ".folders",
    "safe_relative": ".folders",
    "FileStore": "..store",
}

__all__ = [
    "FileRef", "Record", "SyncSource", "get_source", "get_sources", "register_source",
    *_HELPERS,
]  # fmt: skip


def __getattr__(name: str):
    if name not in _HELPERS:
        raise AttributeError(name)
    return getattr(import_module(_HELPERS[name], __name__), name)
