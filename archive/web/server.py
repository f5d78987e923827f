"""Serving the web interface: waitress (a production WSGI server in pure Python) on the data root, with a warm
LibreOffice for the forms generated from the browser."""

import threading
from pathlib import Path

import waitress

from archive.base.errors import DaibanError
from archive.web.app import create_app
from docgen.warmconvert import WarmConverter

THREADS = 8


def _warm_up(converter: WarmConverter) -> None:
    # Started beside the server so the first form generated from a browser does not wait for it; a failure
    # here is not fatal: the first conversion tries again and reports it.
    try:
        converter.start()
    except DaibanError:
        pass


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, threads: int = THREADS,
          behind_proxy: bool = False) -> None:
    """Serve daiban on host:port until interrupted; the warm LibreOffice ends with it. Behind an HTTPS reverse
    proxy, cookies are sent over HTTPS only and the proxy's client address and scheme are trusted."""
    with WarmConverter() as converter:
        threading.Thread(target=_warm_up, args=(converter,), daemon=True).start()
        app = create_app(root, converter=converter, behind_proxy=behind_proxy)
        waitress.serve(app, host=host, port=port, threads=threads, ident="daiban")
