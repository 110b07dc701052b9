"""The three roles and what each may do, decided here once and enforced where an action runs
(the Data page's import, `python -m etl`), not by hiding widgets.

- viewer: every page, filters, charts, exports and the briefing note;
- analyst: also imports (and their removal) and fetches;
- admin: also rebuilds, publishes and reads the audit trail.

A person signed in through OpenID Connect gets the role that settings.ROLES maps one of the values
of their identity token's claim settings.ROLE_CLAIM to (the highest when several match; a viewer
when none does). Without sign-in the dashboard and the command line run as the operating-system
user with every right (`local_user`). A server that only reads (a replica of a published
warehouse, or DASHBOARD_IMPORTS=off) refuses every change whatever the role."""
from __future__ import annotations

import getpass
from dataclasses import dataclass

import settings

ROLES = ("viewer", "analyst", "admin")  # each has the rights of the ones before it
RIGHTS = {  # action -> the least role allowed it, and how a message names the action
    "view": ("viewer", "view the dashboard"),
    "export": ("viewer", "export"),
    "import": ("analyst", "import a file"),
    "remove": ("analyst", "remove an imported file"),
    "fetch": ("analyst", "fetch a release"),
    "build": ("admin", "rebuild the warehouse"),
    "publish": ("admin", "publish the warehouse"),
    "audit": ("admin", "read the audit trail"),
}
CHANGES = {"import", "remove", "fetch", "build", "publish"}  # what a read-only server refuses


@dataclass(frozen=True)
class Caller:
    """Who asks: a name for the audit trail and a role."""
    name: str
    role: str

    def may(self, action: str) -> bool:
        return self.role in ROLES and ROLES.index(self.role) >= ROLES.index(RIGHTS[action][0])


class Refused(PermissionError):
    """An action the caller's role or the server does not allow; the text says why and what to do."""


def local_user() -> Caller:
    """The operating-system user: the command line, and the dashboard without sign-in."""
    return Caller(getpass.getuser(), "admin")


def require(caller: Caller, action: str, writable: bool = True) -> None:
    """Raise Refused unless `caller` may do `action` here (`writable`: this server may change the
    data; a replica may not)."""
    least, what = RIGHTS[action]
    if action in CHANGES and not writable:
        raise Refused(f"This server only reads the warehouse (a replica of a published warehouse, or "
                      f"DASHBOARD_IMPORTS=off): nobody may {what} here, whatever the role. Do it on "
                      f"the builder with `python -m etl`, then `python -m etl publish`.")
    if caller.role not in ROLES:
        raise Refused(f"Sign in first: to {what} needs the {least} role or above.")
    if not caller.may(action):
        raise Refused(f"{caller.name} is signed in as {_a(caller.role)}: to {what} needs the "
                      f"{least} role or above. Ask an admin to map one of your "
                      f"'{settings.ROLE_CLAIM}' values to it in DASHBOARD_ROLES.")


def _a(role: str) -> str:
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


def mapping(text: str = settings.ROLES) -> dict[str, str]:
    """DASHBOARD_ROLES (`value=role,value=role`) as a dict; an unknown role stops with its name."""
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        value, sep, role = (s.strip() for s in part.partition("="))
        if not sep or not value or role not in ROLES:
            raise ValueError(f"DASHBOARD_ROLES: {part!r} is not `claim value=role` with a role of "
                             f"{', '.join(ROLES)} (e.g. `dashboard-admins=admin,dashboard-analysts=analyst`).")
        pairs[value] = role
    return pairs


def role_of(claims: dict, roles: dict[str, str] | None = None, claim: str = settings.ROLE_CLAIM) -> str:
    """The role of a signed-in person from their identity token's `claims`: the highest role one
    of the `claim` values maps to, else viewer."""
    roles = mapping() if roles is None else roles
    values = claims.get(claim) or []
    values = [values] if isinstance(values, str) else list(values)
    found = [roles[v] for v in values if isinstance(v, str) and v in roles]
    return max(found, key=ROLES.index, default="viewer")
