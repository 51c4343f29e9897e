"""The tertial command as a newcomer meets it: its own commands first, and one sentence, not a
traceback, on a database that is not ready."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from tertial.cli import _overview, main

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
    assert "migrate" not in text.split("Kommandon:")[1].split("\n\n")[0]
    assert "tertial help --all" in text


def test_the_overview_is_in_swedish_by_default(monkeypatch, capsys):
    monkeypatch.delenv("TERTIAL_LANGUAGE", raising=False)
    main([])
    out = capsys.readouterr().out
    assert "Kommandon:" in out and "Kontrollerar en förvaltningsmapp" in out


def test_the_overview_is_in_english_with_tertial_language_en(monkeypatch, capsys):
    monkeypatch.setenv("TERTIAL_LANGUAGE", "en")
    main([])
    out = capsys.readouterr().out
    assert "Commands:" in out and "Checks an administration folder" in out
    assert "Kommandon" not in out


@pytest.mark.parametrize(
    "language, words",
    [("", ["användning: tertial import ledger", "visa den här hjälpen", "KORTNAMN"]),
     ("en", ["usage: tertial import ledger", "show this help", "SHORT_NAME"])],
)  # fmt: skip
def test_a_commands_help_is_in_one_language(monkeypatch, capsys, language, words):
    monkeypatch.setenv("TERTIAL_LANGUAGE", language)
    with pytest.raises(SystemExit):
        main(["import", "ledger", "--help"])
    out = capsys.readouterr().out
    for word in words:
        assert word in out
    assert "--settings" not in out


def test_a_language_tertial_lacks_is_refused_in_one_sentence(monkeypatch, capsys):
    monkeypatch.setenv("TERTIAL_LANGUAGE", "de")
    with pytest.raises(SystemExit) as stopped:
        main([])
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TERTIAL_LANGUAGE=de" in err and "sv, en" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, sentence",
    [("", "Perioden 1999-08 finns inte för vss."),
     ("en", "The period 1999-08 does not exist for vss.")],
)  # fmt: skip
def test_a_commands_error_is_one_sentence_in_the_chosen_language(
    vss, monkeypatch, capsys, language, sentence
):
    monkeypatch.setenv("TERTIAL_LANGUAGE", language)
    # A command run from the command line closes the connections at its end; the test's
    # transaction must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as stopped:
        main(["report", "vss", "1999-08", "--check"])
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.strip() == sentence


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv, sentence",
    [(["load", "a", "b"], "tertial load: det här förstår tertial inte: b"),
     (["import", "ledger"], "tertial import ledger: det här saknas: FIL, --org"),
     (["report", "vss", "2020-08", "--format", "doc"],
      "tertial report: --format kan inte vara 'doc'; välj ett av 'html', 'pdf', 'docx', 'xlsx'"),
     (["report", "vss", "2020-08", "--edition", "x"],
      "tertial report: --edition ska vara ett heltal, inte 'x'"),
     (["report", "vss", "2020-08", "--diff", "1"],
      "tertial report: --diff behöver 2 värden efter sig"),
     (["report", "vss", "2020-08", "--output"],
      "tertial report: --output behöver ett värde efter sig")],
)  # fmt: skip
def test_arguments_typed_wrong_are_named_in_swedish_after_the_usage(
    monkeypatch, capsys, argv, sentence
):
    monkeypatch.delenv("TERTIAL_LANGUAGE", raising=False)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("användning: ") and err.strip().splitlines()[-1] == sentence


def test_arguments_typed_wrong_in_a_call_are_a_command_error():
    with pytest.raises(CommandError, match="det här saknas: MAPP"):
        call_command("load")


def test_an_edition_the_period_lacks_is_named(period_2020_08):
    with pytest.raises(CommandError, match="Perioden 2020-08 har ingen utgåva 9"):
        call_command("report", "vss", "2020-08", "--diff", "9", "1")


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
