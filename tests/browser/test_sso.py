"""Single sign-on in a real browser against a real OpenID provider (node-oidc-provider, run
locally): sign in, sign out, a second person asked for a password, a forged e-mail claim, a
tampered state, a reused code, a wrong issuer and a hung provider."""

import socket
import threading
import time

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tertial.access import oidc
from tertial.organisation.models import Organisation
from tests.access.provider import ROLES, running_provider, sso_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
SIGN_IN = "Logga in med kommunens konto"


@pytest.fixture
def site(live_server, settings, tmp_path):
    Organisation.objects.get_or_create(
        slug="vss", defaults={"name": "Vård och stöd", "municipality": "Linköping"}
    )
    with running_provider(live_server.url) as issuer:
        roles = tmp_path / "roles.yaml"
        roles.write_text(ROLES)
        settings.SITE_URL = live_server.url
        settings.OIDC = sso_settings(issuer, ROLES_FILE=str(roles), LINK_BY_EMAIL=True)
        oidc.forget_provider()
        yield settings
        oidc.forget_provider()


def _accessible(page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, (page.url, results.generate_report())


def _through_provider(page, login: str) -> None:
    """Answer the provider's pages (sign-in, consent) until it sends the person back."""
    for _ in range(3):
        page.wait_for_load_state("networkidle")
        if "/interaction/" not in page.url:
            return
        if page.locator("input[name=login]").count():
            page.locator("input[name=login]").fill(login)
            page.locator("input[name=password]").fill("vad som helst")
        page.locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _sign_out(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.locator("button[name=logout][value=yes]").click()
    page.wait_for_load_state("networkidle")


def test_sign_in_sign_out_and_what_is_refused(browser, live_server, site, screens):
    base = live_server.url
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/sso/callback/" in r.url else None)
    page.goto(base + "/login/")
    page.get_by_role("link", name=SIGN_IN).click()
    pending = [c for c in context.cookies() if c["name"] == "tertial_sso"]
    assert pending
    _through_provider(page, "anna")
    expect(page.locator(".who")).to_have_text("Anna Berg")
    page.screenshot(path=str(screens / "sso-signed-in.png"), full_page=True)

    # Signing out signs out at the provider too: the next person is asked to sign in.
    _sign_out(page)
    assert page.url.rstrip("/") == base
    expect(page.locator(".who")).to_have_count(0)
    page.goto(base + "/login/")
    page.get_by_role("link", name=SIGN_IN).click()
    expect(page.locator("input[name=login]")).to_be_visible()

    # A provider account claiming the superuser's address, "verified", with linking allowed.
    get_user_model().objects.create_superuser("su", email="chef@kommun.se")
    _through_provider(page, "mallory-verified")
    expect(page.locator("h1")).to_have_text("Ditt konto är inte kopplat till kommunens inloggning")
    expect(page.locator(".who")).to_have_count(0)
    _accessible(page)
    page.screenshot(path=str(screens / "sso-refused.png"), full_page=True)

    # The first sign-in's code used again, with what the browser kept for it.
    context.add_cookies(pending)
    page.goto(callbacks[0])
    expect(page.locator("h1")).to_have_text("Inloggningen hann gå ut")
    expect(page.locator(".who")).to_have_count(0)

    # Its state changed.
    context.add_cookies(pending)
    page.goto(callbacks[0].replace("state=", "state=x"))
    expect(page.locator("h1")).to_have_text("Inloggningen kunde inte kontrolleras")
    expect(page.locator(".who")).to_have_count(0)
    context.close()


def test_a_wrong_issuer_and_a_hung_provider_end_on_a_page(browser, live_server, site, screens):
    base = live_server.url
    page = browser.new_page(locale="sv-SE")
    site.OIDC["ISSUER"] = site.OIDC["ISSUER"].replace("127.0.0.1", "localhost")
    oidc.forget_provider()
    page.goto(base + "/login/")
    page.get_by_role("link", name=SIGN_IN).click()
    expect(page.locator("h1")).to_have_text("Inloggningen är fel inställd")
    _accessible(page)

    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)
    site.OIDC.update(ISSUER=f"http://127.0.0.1:{hung.getsockname()[1]}", TIMEOUT_SECONDS=2)
    oidc.forget_provider()
    began = time.monotonic()
    page.goto(base + "/login/")
    page.get_by_role("link", name=SIGN_IN).click()
    expect(page.locator("h1")).to_have_text("Kommunens inloggning svarar inte")
    assert time.monotonic() - began < 6
    page.screenshot(path=str(screens / "sso-provider-down.png"), full_page=True)

    # Many sign-ins waiting on the hung provider; the site still answers everyone else.
    waiting = [
        threading.Thread(target=requests.get, args=[base + "/sso/start/"], kwargs={"timeout": 10})
        for _ in range(8)
    ]
    for thread in waiting:
        thread.start()
    time.sleep(0.3)
    began = time.monotonic()
    page.goto(base + "/login/")
    expect(page.get_by_role("link", name=SIGN_IN)).to_be_visible()
    assert time.monotonic() - began < 1.5
    for thread in waiting:
        thread.join()
    hung.close()
    page.close()
