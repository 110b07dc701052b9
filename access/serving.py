"""What `make run` says before it starts the server (on every start): on this machine only, as the
local user with every right; or on the network, with a warning when nobody has to sign in.

    python -m access.serving 0.0.0.0   # the address the server is about to listen on"""
from __future__ import annotations

import ipaddress
import sys
import tomllib
from pathlib import Path

import settings
from access.roles import local_user

SECRETS_FILES = (settings.SECRETS_FILE, Path("~/.streamlit/secrets.toml").expanduser())


def loopback(address: str) -> bool:
    """`address` serves this machine only (127.0.0.0/8, ::1 or localhost)."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _secrets(files) -> list[tuple[Path, dict | Exception]]:
    """Each secrets file that exists, with its content or the error that stopped reading it."""
    found = []
    for path in files:
        try:
            with open(path, "rb") as handle:
                found.append((path, tomllib.load(handle)))
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError) as err:
            found.append((path, err))
    return found


def unreadable_secrets(files=SECRETS_FILES) -> list[str]:
    """What is wrong with each secrets file that exists but is not valid TOML: Streamlit would then
    read no [auth] and let everyone in as the local user, so the dashboard stops instead."""
    return [f"{path} cannot be read ({content}): fix it (its [auth] section configures sign-in) or "
            f"remove it to run without sign-in." for path, content in _secrets(files)
            if isinstance(content, Exception)]


def signin_configured(files=SECRETS_FILES) -> bool:
    """An [auth] section with a client_id in one of Streamlit's secrets files."""
    for _, content in _secrets(files):
        auth = {} if isinstance(content, Exception) else content.get("auth", {})
        if auth.get("client_id") or any(isinstance(v, dict) and v.get("client_id") for v in auth.values()):
            return True
    return False


def announcement(address: str, signed_in: bool) -> tuple[str, bool]:
    """The line to print and whether it is a warning."""
    if signed_in:
        return (f"Serving on {address}: every page asks for sign-in (OpenID Connect, [auth] of "
                f"{settings.SECRETS_FILE.name}); roles from the '{settings.ROLE_CLAIM}' claim.", False)
    if loopback(address):
        return (f"Serving on {address} only (this machine), as the local user "
                f"{local_user().name} with every right. DASHBOARD_LISTEN=0.0.0.0 serves the network.",
                False)
    return (f"WARNING: serving on {address} (the network) without sign-in: whoever reaches this "
            f"machine may import, rebuild and export as {local_user().name}. Configure [auth] in "
            f".streamlit/secrets.toml (docs/deployment.md, 'Sign-in, roles and the audit trail') or serve "
            f"on 127.0.0.1.", True)


def main(argv: list[str]) -> int:
    address = argv[0] if argv else settings.LISTEN
    line, warning = announcement(address, signin_configured())
    print(line, file=sys.stderr if warning else sys.stdout, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
