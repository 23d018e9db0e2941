"""Ed25519 signatures: central signs every feed entry, a mirror signs its requests.

Keys are the 32 raw bytes in base64. They come from settings (the environment)
and otherwise from a file in var/ generated on first use, so a development box
works without set-up while production passes keys in from its secret store.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings

from .conf import mirror_settings


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 (what is signed)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def generate_private_key() -> str:
    key = Ed25519PrivateKey.generate()
    return _b64(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))


def load_private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def public_key_text(private: Ed25519PrivateKey) -> str:
    return _b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def own_private_key() -> Ed25519PrivateKey:
    """This side's key: KHLANG_MIRROR_SIGNING_KEY, else var/mirror-signing-key."""
    text = mirror_settings.SIGNING_KEY
    if not text:
        path = Path(settings.VAR_DIR) / "mirror-signing-key"
        if not path.exists():
            path.write_text(generate_private_key())
            path.chmod(0o600)
        text = path.read_text().strip()
    return load_private_key(text)


def sign(private: Ed25519PrivateKey, message: bytes) -> str:
    return _b64(private.sign(message))


def verify(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def request_message(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    """What a mirror signs for one HTTP request: method, full path, time and body hash."""
    body_hash = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{path}\n{timestamp}\n{body_hash}".encode()
