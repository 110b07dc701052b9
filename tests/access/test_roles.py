"""access/roles.py: DASHBOARD_ROLES maps a claim's values to roles, the highest wins, anyone else
is a viewer; each role has the rights of the ones below it; refusals say why and what to do."""
import os
import subprocess
import sys

import pytest

from access.roles import CHANGES, RIGHTS, ROLES, Caller, Refused, local_user, mapping, require, role_of
from tests.helpers import ROOT

ROLE_MAP = {"dashboard-admins": "admin", "dashboard-analysts": "analyst"}


def test_the_claim_decides_the_role_and_anyone_unmapped_is_a_viewer():
    assert mapping("dashboard-admins=admin, dashboard-analysts=analyst") == ROLE_MAP
    assert role_of({"groups": ["staff", "dashboard-analysts"]}, ROLE_MAP) == "analyst"
    assert role_of({"groups": ["dashboard-analysts", "dashboard-admins"]}, ROLE_MAP) == "admin"
    assert role_of({"groups": "dashboard-admins"}, ROLE_MAP) == "admin"  # a single string
    assert role_of({"groups": ["staff"]}, ROLE_MAP) == "viewer"
    assert role_of({}, ROLE_MAP) == "viewer"
    assert role_of({"roles": ["dashboard-admins"]}, ROLE_MAP, claim="roles") == "admin"


def test_a_wrong_mapping_stops_with_the_pair_and_an_example():
    with pytest.raises(ValueError, match=r"DASHBOARD_ROLES: 'ops=owner' is not `claim value=role`"):
        mapping("ops=owner")
    with pytest.raises(ValueError, match="'ops' is not"):
        mapping("ops")


def test_each_role_has_the_rights_of_the_ones_below():
    for action, (least, _) in RIGHTS.items():
        allowed = [role for role in ROLES if Caller("x", role).may(action)]
        assert allowed == list(ROLES[ROLES.index(least):]), action
    assert not Caller("x", "none").may("view")
    assert local_user().role == "admin"


def test_refusals_name_the_person_the_role_needed_and_the_read_only_server():
    with pytest.raises(Refused, match="^ana is signed in as an analyst: to publish the warehouse needs the "
                                      "admin role or above"):
        require(Caller("ana", "analyst"), "publish")
    for action in CHANGES:
        with pytest.raises(Refused, match="^This server only reads the warehouse"):
            require(Caller("root", "admin"), action, writable=False)
    require(Caller("vera", "viewer"), "export", writable=False)  # reading and exporting stay open
    with pytest.raises(Refused, match="^Sign in first"):
        require(Caller("(not signed in)", "none"), "view")


def test_the_setting_is_read_from_the_environment():
    code = "from access.roles import mapping; import settings; print(mapping(), settings.ROLE_CLAIM)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "DASHBOARD_ROLES": "ops=admin", "DASHBOARD_ROLE_CLAIM": "roles"})
    assert out.stdout.strip() == "{'ops': 'admin'} roles", out.stderr


def test_a_secrets_file_that_cannot_be_read_closes_the_dashboard(tmp_path):
    """A broken secrets file would leave Streamlit without [auth], everyone the local user (admin):
    access.serving names it and dashboard/signin.py's gate stops every page on it."""
    from access.serving import signin_configured, unreadable_secrets

    broken, good, missing = tmp_path / "broken.toml", tmp_path / "good.toml", tmp_path / "none.toml"
    broken.write_text('[auth]\nclient_id = "dashboard\n')  # an unterminated string
    good.write_text('[auth]\nclient_id = "dashboard"\n')
    assert unreadable_secrets((missing, good)) == []
    problems = unreadable_secrets((broken, good, missing))
    assert len(problems) == 1 and str(broken) in problems[0] and "remove it" in problems[0]
    assert signin_configured((good,)) and not signin_configured((broken,))
