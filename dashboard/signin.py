"""Who is using this session: the person signed in through OpenID Connect (Streamlit's st.login,
configured by the [auth] section of .streamlit/secrets.toml), with the role their identity token's
claim maps to (access/roles.py); without [auth], the local user with every right."""
from __future__ import annotations

import streamlit as st

from access import audit
from access.roles import Caller, local_user, role_of
from access.serving import unreadable_secrets

NAME_CLAIMS = ("email", "preferred_username", "name", "sub")  # the first one present names a person


def configured() -> bool:
    """Sign-in is configured: Streamlit's secrets have an [auth] section."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def caller() -> Caller:
    """This session's caller, read from st.user at each call (never kept in the session state)."""
    if not configured():
        return local_user()
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return Caller("(not signed in)", "none")
    name = next((str(user[c]) for c in NAME_CLAIMS if user.get(c)), "(unnamed)")
    return Caller(name, role_of(user))


def gate() -> Caller:
    """On every page before anything else: without a sign-in (when configured), a sign-in button
    and nothing more; then the person's name, role and a sign-out button in the sidebar. A secrets
    file that cannot be read stops every page (failing closed: not everyone as the local user)."""
    problems = unreadable_secrets()
    if problems:
        st.error("Sign-in is misconfigured, so the dashboard is closed. " + " ".join(problems))
        st.stop()
    if not configured():
        return local_user()
    if not st.user.is_logged_in:
        st.title("Extremist activity indicators")
        st.write("Sign in with your organisation's account to see the dashboard.")
        st.button("Sign in", type="primary", on_click=st.login, key="sign_in")
        st.stop()
    who = caller()
    with st.sidebar:
        st.caption(f"Signed in as **{who.name}** ({who.role})")
        st.button("Sign out", on_click=st.logout, key="sign_out")
    return who


def exported(export: str, make):
    """A download button's `data`: makes the file with `make()` when clicked and records the export
    (this session's caller, resolved now, and the sidebar's filters) in the audit trail."""
    who, filters = caller(), st.session_state.get("filters")
    what = {"export": export, "filters": filters.describe() if filters is not None else ""}

    def make_recorded():
        with audit.recorded(who, "export", what):
            return make()

    return make_recorded
