"""The key that signs the web interface's session cookies: made once per data root, readable by its owner only."""

import os
import secrets

from archive.base.atomicio import atomic_output
from archive.dataroot.folders import DataRoot


def web_secret_key(root: DataRoot) -> bytes:
    """The root's session-signing key, made on first use (a new key logs every user out)."""
    path = root.web_secret_file
    if not path.is_file():
        with atomic_output(path) as handle:
            handle.write(secrets.token_hex(32).encode("ascii"))
        os.chmod(path, 0o600)
    return path.read_bytes().strip()
