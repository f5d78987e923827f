"""Password hashes with scrypt (RFC 7914, in Python's hashlib): a salt per password, constant-time checks."""

import base64
import hashlib
import hmac
import secrets

# OWASP's scrypt floor (N=2^17, r=8, p=1) costs 128 MiB and ~0.3 s per login here; 2^15 keeps a login
# at ~0.08 s and 32 MiB while still costing an attacker 32 MiB per guess.
N, R, P = 2**15, 8, 1
MAX_MEMORY = 64 * 1024 * 1024
SCHEME = "scrypt"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=32)


def hash_password(password: str) -> str:
    """The stored form of a password: scheme, cost, salt and key, nothing that gives the password back."""
    salt = secrets.token_bytes(16)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, N, R, P))}"


def check_password(password: str, stored: str) -> bool:
    """True when the password is the one the stored hash was made from (compared in constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        derived = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, base64.b64decode(key))
