"""The admin answers malformed input with a sentence, never a traceback."""

import pytest
from django.contrib.auth import get_user_model

from tertial.economy.models import ImportBatch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("selected", ["abc", "1.5", "9" * 30, "١"])
def test_an_admin_action_on_an_id_that_is_not_a_number_is_refused_with_a_sentence(
    client, vss, selected
):
    admin = get_user_model().objects.create_superuser("root", "root@example.se", "pw")
    client.force_login(admin)
    before = ImportBatch.objects.filter(undone_at=None).count()
    response = client.post(
        "/admin/economy/importbatch/",
        {"action": "undo_batches", "_selected_action": ["1", selected]},
    )
    assert response.status_code == 400
    assert "radnummer" in response.content.decode()
    assert ImportBatch.objects.filter(undone_at=None).count() == before


def test_an_admin_page_for_an_id_that_is_not_a_number_is_no_error(client, vss):
    admin = get_user_model().objects.create_superuser("root", "root@example.se", "pw")
    client.force_login(admin)
    assert client.get("/admin/economy/importbatch/abc/change/").status_code == 302
    assert client.get("/admin/economy/importbatch/?id=abc").status_code == 302
