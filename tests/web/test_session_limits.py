"""A sign-in that ended by its idle timeout loses nothing that was being typed."""

import pytest
from django.core import signing
from django.test import Client

from tertial.web import sessions, stash

pytestmark = pytest.mark.django_db


def test_text_posted_after_the_idle_timeout_comes_back_after_signing_in_again(
    people, period_2020_08, url, forecast_form, forecast_of, settings
):
    unit, target = people.lkdata, url("unit", period_2020_08, people.lkdata.pk)
    client = Client()
    client.force_login(people.lkdata_head)
    # Signed in on this browser through the sign-in page, which marks it (tertial.web.stash).
    client.cookies[stash.MARK_COOKIE] = signing.dumps(people.lkdata_head.pk, salt=stash.MARK_SALT)
    assert client.get(target).status_code == 200
    session = client.session
    session[sessions.SEEN_AT] -= settings.SESSION_IDLE_MINUTES * 60 + 1
    session.save()
    typed = forecast_form(unit, period_2020_08, "3 100", "Skrivet medan jag var borta.")
    response = client.post(url("unit_forecast", period_2020_08, unit.pk), typed)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert forecast_of(unit, period_2020_08).comment != typed["comment"]
    client.force_login(people.lkdata_head)
    page = client.get(target).content.decode()
    assert "Skrivet medan jag var borta." in page and 'value="3 100"' in page
