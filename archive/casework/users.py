"""User services (issue 15): accounts of the web interface, their roles, passwords and logins.

A staff account's name is the person's name as cases carry it (项目长, 代办员): it decides which cases are
theirs. An enterprise account names its 统一社会信用代码: it sees that enterprise's cases only.
"""

import re
from dataclasses import replace

from archive.base.errors import AccessError, NotFoundError, UsageError, ValidationError
from archive.base.passwords import check_password, hash_password
from archive.base.terms import UserRole
from archive.casework.facts import credit_code_problem
from archive.casework.values import checked_text
from archive.catalog import users as catalog_users
from archive.catalog.access import Access
from archive.catalog.events import now, record
from archive.catalog.session import Archive
from archive.catalog.users import User

LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")
MIN_PASSWORD = 10
# Checked against when the login is unknown, so that an unknown login takes as long as a wrong password.
UNKNOWN = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _login(login: str) -> str:
    if not LOGIN.fullmatch(login):
        raise UsageError(f"用户名“{login}”无效：2–64 个字母、数字或 . _ @ -，以字母或数字开头")
    return login


def _password(password: str, login: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少 {MIN_PASSWORD} 个字符")
    if password.lower() == login.lower():
        raise ValidationError("密码不能与用户名相同")
    return hash_password(password)


def _enterprise(role: UserRole, credit_code: str) -> str:
    if role != UserRole.ENTERPRISE:
        if credit_code:
            raise UsageError("只有企业账户需要统一社会信用代码")
        return ""
    if problem := credit_code_problem(credit_code):
        raise ValidationError(f"企业账户须给出本企业的统一社会信用代码：{problem}")
    return credit_code


def _confirmed(password: str, confirm: str | None) -> str:
    if confirm is not None and confirm != password:
        raise ValidationError("两次输入的密码不一致，请重新输入")
    return password


def add_user(archive: Archive, login: str, name: str, role: UserRole | str, password: str,
             credit_code: str = "", confirm: str | None = None) -> User:
    """Create an account (管理员 only); staff are named as cases name them, enterprises by credit code; the
    role by its code or Chinese name, the password typed twice when confirm is given."""
    archive.require("user.added")
    role, password = UserRole.parse(role), _confirmed(password, confirm)
    name = checked_text("姓名", name, limit=100).strip()
    if not name:
        raise UsageError("姓名不能为空（项目长、代办员须与案件中的姓名一致）")
    stored = _password(password, _login(login))
    return catalog_users.insert_user(archive, login, name, role, _enterprise(role, credit_code.strip()), stored)


def list_users(archive: Archive) -> list[User]:
    """Every account (the listing is logged; administrators only)."""
    archive.require("users.listed")
    found = catalog_users.list_users(archive)
    record(archive, "users.listed", hits=len(found))
    return found


def set_role(archive: Archive, login: str, role: UserRole | str, credit_code: str = "") -> User:
    """Give an account another role, by its code or Chinese name (an enterprise account with its credit code)."""
    archive.require("user.changed")
    role = UserRole.parse(role)
    return catalog_users.change_user(archive, login, role=role, credit_code=_enterprise(role, credit_code.strip()))


def set_password(archive: Archive, login: str, password: str, confirm: str | None = None) -> User:
    """Set an account's password (the log keeps only a digest of its hash), typed twice when confirm is given."""
    archive.require("user.changed")
    password = _confirmed(password, confirm)
    catalog_users.get_user(archive, login)
    return catalog_users.change_user(archive, login, password=_password(password, login))


def set_disabled(archive: Archive, login: str, disabled: bool) -> User:
    """Disable an account (it can no longer log in; its history stays) or enable it again."""
    archive.require("user.changed")
    current = catalog_users.get_user(archive, login)
    if current.active != disabled:
        raise UsageError(f"用户 {login} 已{'停用' if disabled else '启用'}")
    return catalog_users.change_user(archive, login, disabled=now() if disabled else None)


def active_user(archive: Archive, login: str) -> User | None:
    """The account a session names, while it exists and is enabled."""
    try:
        user = catalog_users.get_user(archive, login)
    except NotFoundError:
        return None
    return user if user.active else None


def access_of(user: User) -> Access:
    """The rights a user acts with."""
    return Access(user.login, user.role, user.name, user.credit_code)


def authenticate(archive: Archive, login: str, password: str) -> User:
    """Check a login; the success is recorded as the user, a failure as the system (neither names the password)."""
    found = catalog_users.stored_password(archive, login) if LOGIN.fullmatch(login or "") else None
    matches = check_password(password, found[1] if found else UNKNOWN)
    if found is None or not found[0].active or not matches:
        record(archive, "user.login_failed", login=login[:64])
        raise AccessError("用户名或密码错误，或账户已停用")
    user = found[0]
    record(replace(archive, actor=user.name, access=access_of(user)), "user.login", login=user.login)
    return user
