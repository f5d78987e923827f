"""Users of the web interface as the catalog stores them: login, name on cases, role, password hash."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archive.base.errors import NotFoundError, UsageError
from archive.base.terms import UserRole
from archive.catalog import events
from archive.catalog.schema import users
from archive.catalog.session import Archive

# What an event records of a user row, so that verify sees a role or a hash changed behind daiban's back.
USER_FIELDS = ("login", "name", "role", "credit_code", "disabled")


@dataclass(frozen=True)
class User:
    """A user: login, the person's name (the actor of their events), role, enterprise credit code."""

    id: int
    login: str
    name: str
    role: UserRole
    credit_code: str
    created: str
    disabled: str | None

    @property
    def active(self) -> bool:
        """True unless the account was disabled."""
        return self.disabled is None


def password_digest(stored: str) -> str:
    """What the log keeps of a stored hash: a digest, never the hash an attacker could try guesses on."""
    return hashlib.sha256(stored.encode("ascii")).hexdigest()


def user_record(row) -> dict:
    """The values of a user row an event records, with the digest of its password hash."""
    values = row._mapping
    return {name: values[name] for name in USER_FIELDS} | {"password_digest": password_digest(values["password"])}


def _to_user(row) -> User:
    return User(row.id, row.login, row.name, UserRole(row.role), row.credit_code, row.created, row.disabled)


def _row(conn: Connection, login: str):
    row = conn.execute(select(users).where(users.c.login == login)).first()
    if row is None:
        raise NotFoundError(f"用户不存在：{login}")
    return row


def insert_user(archive: Archive, login: str, name: str, role: UserRole, credit_code: str, stored: str) -> User:
    """Record a new user with the hash of their password."""
    with archive.write() as conn:
        if conn.execute(select(users.c.id).where(users.c.login == login)).first() is not None:
            raise UsageError(f"用户名已存在：{login}")
        conn.execute(users.insert().values(login=login, name=name, role=role, credit_code=credit_code,
                                           password=stored, created=events.now()))
        row = _row(conn, login)
        events.append(conn, archive.actor, "user.added", login=login, name=name, role=role, record=user_record(row))
        return _to_user(row)


def change_user(archive: Archive, login: str, **values) -> User:
    """Change a user's role, credit code, password hash or disabled mark, logged with the new record."""
    with archive.write() as conn:
        _row(conn, login)
        conn.execute(users.update().where(users.c.login == login).values(**values))
        row = _row(conn, login)
        shown = {k: v for k, v in values.items() if k != "password"}
        events.append(conn, archive.actor, "user.changed", login=login, **shown,
                      password_set="password" in values, record=user_record(row))
        return _to_user(row)


def get_user(archive: Archive, login: str) -> User:
    """Return one user by login."""
    with archive.read() as conn:
        return _to_user(_row(conn, login))


def stored_password(archive: Archive, login: str) -> tuple[User, str] | None:
    """A user and their password hash, for checking a login (None when no such user)."""
    with archive.read() as conn:
        row = conn.execute(select(users).where(users.c.login == login)).first()
    return (_to_user(row), row.password) if row else None


def list_users(archive: Archive) -> list[User]:
    """Every user, by login."""
    with archive.read() as conn:
        return [_to_user(r) for r in conn.execute(select(users).order_by(users.c.login))]


def user_rows(conn: Connection) -> dict[str, dict]:
    """Every user row as the event log records it, by login (for verify)."""
    return {row.login: user_record(row) for row in conn.execute(select(users))}
