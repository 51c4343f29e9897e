"""From the dashboard's total down to the ledger rows behind it, in a browser, with axe-core
on every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_walk import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboards_total_opens_its_accounts_and_then_the_rows_with_file_and_line(
    browser, live_server, example, screens
):
    _, credentials = example
    reader = Visitor(browser, live_server, screens)
    reader.log_in("lasare", credentials["password"])
    reader.go("/org/vss/2020-08/", "dashboard")
    page = reader.page
    page.locator("tfoot a").first.click()
    reader.check("drilldown-accounts")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Redovisat")
    page.locator("tbody td a").first.click()
    reader.check("drilldown-rows")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("ledger/2020.csv")
    assert re.fullmatch(r"\d+", first_row.locator("td").nth(1).inner_text().strip())
    reader.close()
