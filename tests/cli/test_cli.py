"""The tertial command as a newcomer meets it: its own commands first, and one sentence, not a
traceback, on a database that is not ready."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tertial.cli import _overview

REPO = Path(__file__).resolve().parent.parent.parent


def _tertial(*args, cwd: Path, database: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "TERTIAL_DATABASE_URL": f"sqlite:///{database}",
        "TERTIAL_DATA_DIR": str(cwd / "data"),
    }
    return subprocess.run(
        [sys.executable, "-c", "from tertial.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_overview_lists_tertials_own_commands():
    text = _overview()
    for command in ("load", "report", "import ledger", "import budget", "demo", "serve"):
        assert f"  {command} " in text, command
    assert "migrate" not in text.split("Commands:")[1].split("\n\n")[0]
    assert "tertial help --all" in text


def test_a_command_on_a_database_not_migrated_says_what_to_run(tmp_path):
    result = _tertial("load", str(REPO / "examples" / "vss-2020"), cwd=tmp_path,
                      database=tmp_path / "empty.sqlite3")  # fmt: skip
    assert result.returncode == 1
    assert "tertial migrate" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db
def test_the_demo_people_include_an_administrator_of_the_admin_pages(vss):
    from tertial.access.demo import create_demo_users
    from tertial.access.models import Membership

    users = create_demo_users(vss)["users"]
    assert "admin" in users.values()
    admin = Membership.objects.get(user__username="admin", organisation=vss)
    assert admin.role == Membership.Role.ADMINISTRATOR and admin.user.is_staff
    assert not Membership.objects.get(user__username="lasare").user.is_staff


def test_single_sign_on_half_configured_stops_tertial_naming_the_missing_variable(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("TERTIAL_OIDC_ISSUER", "https://login.kommun.se")
    monkeypatch.setenv("TERTIAL_OIDC_CLIENT_ID", "tertial")
    monkeypatch.delenv("TERTIAL_OIDC_CLIENT_SECRET", raising=False)
    result = _tertial("check", cwd=tmp_path, database=tmp_path / "db.sqlite3")
    assert result.returncode == 1
    assert "TERTIAL_OIDC_CLIENT_SECRET is not set" in result.stderr
    assert "Traceback" not in result.stderr
