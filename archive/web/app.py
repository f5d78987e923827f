"""The web application (Flask): logins, the acting user's archive for each request, errors, security headers.

Pages live in views/, one module per group; each calls the service function of its action with the
archive opened as the logged-in user, so the rights of catalog.access apply to every page and download.
"""

from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from flask import Flask, render_template, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from archive.base.errors import DaibanError
from archive.catalog.session import Archive, open_archive
from archive.dataroot.websecret import web_secret_key
from archive.web.context import WebUser, can, http_status, load_user, nav_items
from archive.web.throttle import LoginThrottle
from archive.web.views import ALL_BLUEPRINTS

SERVICE_ACTOR = "网页服务"
MAX_UPLOAD_MB = 200
# Scripts, styles, workers and fonts only from daiban itself: a value typed by a user can never run.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'self'")


@dataclass
class WebState:
    """What the application keeps while it serves: the archive opened once and the login throttle."""

    archive: Archive
    throttle: LoginThrottle


def _error_page(message: str, status: int):
    template = "_flash.html" if request.headers.get("HX-Request") else "error.html"
    response = render_template(template, message=message, status=status, kind="error")
    headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"} if request.headers.get("HX-Request") else {}
    return response, status, headers


def _register_errors(app: Flask) -> None:
    @app.errorhandler(DaibanError)
    def daiban_error(exc: DaibanError):
        return _error_page(exc.message, http_status(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        return _error_page("页面已过期或请求缺少校验码（CSRF），未做任何更改；请刷新页面后重试", 400)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _error_page(f"上传的文件过大（每次上限 {limit} MB），未做任何更改", 413)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _error_page(f"{exc.code} {HTTPStatus(exc.code).phrase}", exc.code)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if "text/html" in response.content_type:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(root: Path, *, converter: object | None = None, max_upload_mb: int = MAX_UPLOAD_MB,
               behind_proxy: bool = False) -> Flask:
    """The daiban web application on a data root, converting forms through converter when one is given; behind
    an HTTPS reverse proxy its cookies go over HTTPS only and the proxy's client address is trusted."""
    archive = open_archive(root, SERVICE_ACTOR)
    archive.converter = converter
    app = Flask(__name__)
    app.config.update(SECRET_KEY=web_secret_key(archive.root), MAX_CONTENT_LENGTH=max_upload_mb * 1024 * 1024,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=behind_proxy, REMEMBER_COOKIE_SECURE=behind_proxy,
                      REMEMBER_COOKIE_HTTPONLY=True,
                      REMEMBER_COOKIE_SAMESITE="Lax", WTF_CSRF_TIME_LIMIT=None, JSON_AS_ASCII=False)
    app.extensions["daiban"] = WebState(archive, LoginThrottle())
    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = "请先登录"
    login.user_loader(load_user)
    login.anonymous_user = WebUser.anonymous
    for blueprint in ALL_BLUEPRINTS:
        app.register_blueprint(blueprint)
    _register_errors(app)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"nav_items": nav_items(), "can": can})
    if behind_proxy:
        # One proxy in front: its X-Forwarded-For is the client the login throttle counts.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    return app
