"""Serving the web interface: waitress (a production WSGI server in pure Python) on the data root."""

from pathlib import Path

import waitress

from archive.web.app import create_app

THREADS = 8


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, threads: int = THREADS) -> None:
    """Serve daiban on host:port until interrupted."""
    app = create_app(root)
    waitress.serve(app, host=host, port=port, threads=threads, ident="daiban")
