"""API key secrets: made, recognised, hashed and compared. Shown once, stored only as a SHA-256 hash (keys
carry 256 random bits, so a slow hash adds nothing), compared in constant time.

Standard library only: the authorizer checks every request's key with these, and a cold authorizer loads
no model library for it (docs/DECISIONS.md, "Cold starts: plain code on the hot paths")."""

import base64
import hashlib
import hmac
from dataclasses import dataclass

from leadrouter.domain.ports import RandomSource
from leadrouter.domain.principals import Principal

KEY_PREFIX = "lrk_"


@dataclass(frozen=True)
class StoredKey:
    """What the authorizer needs of a stored key: its hash, to compare, and whom it speaks for."""

    key_hash: str
    principal: Principal


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, key_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), key_hash)


def new_secret(rng: RandomSource) -> str:
    return KEY_PREFIX + base64.urlsafe_b64encode(rng.token_bytes(32)).decode().rstrip("=")


# What new_key_id makes: paths that carry a key id are checked against it (the API's and the console's).
KEY_ID_PATTERN = r"^key_[0-9a-f]{16}$"


def new_key_id(rng: RandomSource) -> str:
    return "key_" + rng.token_bytes(8).hex()


def looks_like_key(secret: str) -> bool:
    return secret.startswith(KEY_PREFIX) and 20 < len(secret) < 100
