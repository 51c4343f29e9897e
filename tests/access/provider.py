"""The local OpenID provider the single sign-on tests run against: node-oidc-provider
(tests/sso_provider, installed by `.ci/run` with npm), started as a subprocess, and a person's
way through its sign-in pages over HTTP."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "sso_provider"
SITE = "http://testserver"
SECRET = "tertial-test-secret"
ACCOUNTS = {
    "anna": {
        "given_name": "Anna",
        "family_name": "Berg",
        "preferred_username": "anna.berg",
        "email": "anna.berg@kommun.se",
        "email_verified": True,
        "groups": ["tertial-vss-controller"],
    },
    "nils": {"name": "Nils Holm", "email": "nils@kommun.se", "email_verified": True},
    # Provider accounts that claim the superuser's address, unverified and "verified".
    "mallory": {"email": "chef@kommun.se", "email_verified": False},
    "mallory-verified": {"email": "chef@kommun.se", "email_verified": True},
    "karin": {"name": "Karin Ek", "email": "karin@kommun.se", "email_verified": True},
}
ROLES = (
    "vss:\n"
    "  - group: tertial-vss-controller\n    role: controller\n"
    "  - group: tertial-vss-1800\n    role: unit_head\n    units: ['1800']\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_provider(site: str = SITE):
    """The provider's issuer URL while it runs, with tertial at ``site`` registered as two
    clients: ``tertial`` (secret by Basic) and ``tertial-post`` (secret in the form)."""
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.skip(
            "the local OpenID provider is not installed: run `npm ci --prefix tests/sso_provider`"
            " (.ci/run does) with Node.js 20 or later"
        )
    port = free_port()
    clients = [
        {
            "client_id": client_id,
            "client_secret": SECRET,
            "redirect_uris": [site + "/sso/callback/"],
            "post_logout_redirect_uris": [site + "/"],
            "token_endpoint_auth_method": method,
        }
        for client_id, method in [
            ("tertial", "client_secret_basic"),
            ("tertial-post", "client_secret_post"),
        ]
    ]
    process = subprocess.Popen(
        [node, "provider.mjs"],
        cwd=PROVIDER_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "PORT": str(port),
            "CLIENTS": json.dumps(clients),
            "ACCOUNTS": json.dumps(ACCOUNTS),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        if process.stdout.readline().strip() != "ready":
            pytest.fail("the local OpenID provider did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def sso_settings(issuer: str, **changes) -> dict:
    """settings.OIDC as tertial.settings makes it from the environment."""
    return {
        "ISSUER": issuer,
        "CLIENT_ID": "tertial",
        "CLIENT_SECRET": SECRET,
        "CLIENT_AUTH": "basic",
        "SCOPES": "openid email profile",
        "PKCE": True,
        "LEEWAY_SECONDS": 60,
        "TIMEOUT_SECONDS": 5,
        "MAX_CONCURRENT": 4,
        "LINK_BY_EMAIL": False,
        "GROUPS_CLAIM": "groups",
        "ROLES_FILE": "",
    } | changes


class Browser:
    """The person's browser at the provider: follows its redirects and fills in its pages
    until it sends the person back to tertial."""

    def __init__(self):
        self.session = requests.Session()
        self.asked_for_login = False

    def follow(self, url: str, login: str = "") -> str:
        method, data = "GET", None
        for _ in range(20):
            if url.startswith(SITE):
                return url.removeprefix(SITE)
            response = self.session.request(method, url, data=data, allow_redirects=False)
            if response.is_redirect:
                url, method, data = urljoin(url, response.headers["Location"]), "GET", None
                continue
            assert response.status_code == 200, response.text[:500]
            form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            assert form, response.text[:500]
            data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.text))
            if 'name="login"' in response.text:
                self.asked_for_login = True
                data |= {"login": login, "password": "vad som helst"}
            if 'name="logout"' in response.text:
                data["logout"] = "yes"
            url, method = urljoin(url, form.group(1)), "POST"
        raise AssertionError("the provider never sent the person back")
