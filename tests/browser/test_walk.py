"""The follow-up walked through in a browser, by the people who do it, with axe-core on every
page visited: a unit head enters a forecast and submits, another unit head cannot edit it,
the controller returns it, the unit head fixes and resubmits, the controller approves, the
head approves and publishes, and the public report shows the new figure."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tertial.core.formatting import normalise_spaces
from tertial.economy.models import Forecast
from tertial.goals.models import BoardGoal
from tertial.organisation.models import Period, Unit
from tertial.workflow import services as workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
REPORT = ".report-preview"
REPORT_FINDINGS: list[tuple[str, str]] = []


class Visitor:
    """One person in their own browser context, checking every page they see with axe."""

    def __init__(self, browser, live_server, screens):
        self.context = browser.new_context(locale="sv-SE")
        self.page = self.context.new_page()
        self.base = live_server.url
        self.screens = screens
        self.checked: list[str] = []

    def go(self, path: str, screenshot: str = ""):
        self.page.goto(self.base + path)
        self.check(screenshot)

    def check(self, screenshot: str = ""):
        self.page.wait_for_load_state("networkidle")
        results = AXE.run(self.page, context={"exclude": [[REPORT]]})
        assert results.violations_count == 0, (self.page.url, results.generate_report())
        # The embedded report (tertial.reports' HTML) is checked on its own, so that the
        # walk goes on and the report's own findings are named apart at the end.
        if self.page.locator(REPORT).count():
            report = AXE.run(self.page, context=REPORT)
            if report.violations_count:
                REPORT_FINDINGS.append((self.page.url, report.generate_report()))
        self.checked.append(self.page.url)
        if screenshot:
            self.page.screenshot(path=str(self.screens / f"{screenshot}.png"), full_page=True)

    def log_in(self, username: str, password: str):
        self.go("/login/", "login" if username == "lkdata" else "")
        self.page.get_by_label("Användarnamn").fill(username)
        self.page.get_by_label("Lösenord").fill(password)
        self.page.get_by_role("button", name="Logga in").click()
        self.check()

    def close(self):
        self.context.close()


def test_the_follow_up_from_unit_head_to_published_report(browser, live_server, example, screens):
    organisation, credentials = example
    password = credentials["password"]
    period = Period.objects.get(fiscal_year__organisation=organisation, key="2020-08")
    lkdata = Unit.objects.get(organisation=organisation, code="1800")
    controller_user = workflow.UnitSubmission._meta.get_field("updated_by").related_model
    controller = controller_user.objects.get(username="controller")
    # Every other unit has handed in and been approved already.
    for unit in workflow.reporting_units(period):
        if unit != lkdata:
            workflow.submit_unit(unit, period, actor=controller)
            workflow.approve_unit(unit, period, actor=controller)
    unit_path = f"/org/vss/2020-08/unit/{lkdata.pk}/"
    revenues = Forecast.objects.get(unit=lkdata, period=period).revenues

    def fill_forecast(page, net_tkr: int, comment: str):
        # Revenues stay; costs follow, so that revenues − costs is the new net result.
        costs_tkr = revenues / 1000 - net_tkr
        page.get_by_label("Prognos nettoresultat helår (tkr)").fill(str(net_tkr))
        page.get_by_label("varav intäkter (tkr)").fill(str(revenues / 1000).replace(".", ","))
        page.get_by_label("varav kostnader (tkr)").fill(str(costs_tkr).replace(".", ","))
        page.get_by_label("Analys och kommentar").fill(comment)
        page.get_by_role("button", name="Spara prognos").click()
        expect(page.get_by_text("Prognosen är sparad.")).to_be_visible()

    # The unit head of LKDATA enters a forecast and its justification, then submits.
    head_of_lkdata = Visitor(browser, live_server, screens)
    head_of_lkdata.log_in("lkdata", password)
    head_of_lkdata.go("/org/vss/2020-08/", "dashboard")
    head_of_lkdata.page.get_by_role("link", name="LKDATA", exact=True).first.click()
    head_of_lkdata.check()
    page = head_of_lkdata.page
    fill_forecast(page, 2950, "Högre försäljning av support än budgeterat.")
    head_of_lkdata.check("unit")
    page.get_by_role("button", name="Lämna in").click()
    expect(page.get_by_text("LKDATA är inlämnad.")).to_be_visible()
    expect(page.get_by_label("Prognos nettoresultat helår (tkr)")).to_have_count(0)
    head_of_lkdata.check()

    # Another unit head sees the unit but gets no form to edit it.
    head_of_kontakt = Visitor(browser, live_server, screens)
    head_of_kontakt.log_in("kontakt", password)
    head_of_kontakt.go(unit_path)
    expect(head_of_kontakt.page.get_by_label("Prognos nettoresultat helår (tkr)")).to_have_count(0)
    expect(head_of_kontakt.page.get_by_role("button", name="Lämna in")).to_have_count(0)
    head_of_kontakt.close()

    # The controller returns it with a comment.
    the_controller = Visitor(browser, live_server, screens)
    the_controller.log_in("controller", password)
    the_controller.go(unit_path)
    the_controller.page.get_by_label("Vad ska rättas?").fill("Förklara vilka kunder som köper mer.")
    the_controller.page.get_by_role("button", name="Skicka tillbaka med kommentar").click()
    expect(the_controller.page.get_by_text("LKDATA är återsänd med kommentar.")).to_be_visible()
    the_controller.check()

    # The unit head sees the comment, fixes the forecast and resubmits.
    head_of_lkdata.go(unit_path)
    expect(page.locator(".return-comment")).to_have_text("Förklara vilka kunder som köper mer.")
    fill_forecast(
        page, 2975, "Högre försäljning av support till utbildningsförvaltningen än budgeterat."
    )
    page.get_by_role("button", name="Lämna in").click()
    expect(page.get_by_text("LKDATA är inlämnad.")).to_be_visible()
    head_of_lkdata.check()

    # The controller approves the unit.
    the_controller.go(unit_path)
    the_controller.page.get_by_role("button", name="Godkänn verksamhetens uppföljning").click()
    expect(the_controller.page.get_by_text("LKDATA är godkänd.")).to_be_visible()
    the_controller.check()
    goal = BoardGoal.objects.get(fiscal_year=period.fiscal_year, code="god-service")
    the_controller.go(f"/org/vss/2020-08/goal/{goal.pk}/", "goal")
    the_controller.go("/org/vss/2020-08/texts/", "texts")
    the_controller.go("/org/vss/2020-08/imports/", "imports")
    the_controller.close()

    # The head of administration approves and publishes the report.
    the_head = Visitor(browser, live_server, screens)
    the_head.log_in("chef", password)
    the_head.go("/org/vss/2020-08/report/", "report")
    # The checks' findings are confirmed before the approval goes through.
    the_head.page.get_by_label(re.compile("godkänner rapporten ändå")).check()
    the_head.page.get_by_role("button", name="Godkänn rapporten").click()
    expect(the_head.page.get_by_text("Rapporten är godkänd och perioden låst.")).to_be_visible()
    the_head.check()
    the_head.page.get_by_role("button", name="Publicera rapporten").click()
    expect(the_head.page.get_by_text("Rapporten är publicerad.")).to_be_visible()
    the_head.check()
    the_head.close()

    # Anyone reads the published report, with the new figure.
    head_of_lkdata.close()
    public = Visitor(browser, live_server, screens)
    public.go("/o/vss/", "public")
    public.page.get_by_role("link", name=re.compile("2020")).first.click()
    public.check("public-report")
    rows = public.page.locator("tr", has_text="LKDATA")
    texts = [normalise_spaces(text) for text in rows.all_inner_texts()]
    assert any("2 975" in text for text in texts), texts
    public.close()
    assert not REPORT_FINDINGS, REPORT_FINDINGS


def test_keyboard_only_skip_link_and_focus(browser, live_server, example, screens):
    _, credentials = example
    visitor = Visitor(browser, live_server, screens)
    visitor.go("/login/")
    page = visitor.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # Log in with the keyboard alone.
    page.get_by_label("Användarnamn").focus()
    page.keyboard.type("lasare")
    page.keyboard.press("Tab")
    page.keyboard.type(credentials["password"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Dina förvaltningar").is_visible()
    visitor.check("home")
    visitor.close()


def test_two_browsers_saving_the_same_text_and_an_expired_session(
    browser, live_server, example, screens
):
    organisation, credentials = example
    password = credentials["password"]
    period = Period.objects.get(fiscal_year__organisation=organisation, key="2020-08")
    goal = BoardGoal.objects.get(fiscal_year=period.fiscal_year, code="god-service")
    path = f"/org/vss/2020-08/goal/{goal.pk}/"
    first = Visitor(browser, live_server, screens)
    second = Visitor(browser, live_server, screens)
    first.log_in("controller", password)
    second.log_in("controller", password)
    first.go(path)
    second.go(path)
    first.page.get_by_label("Motivering").fill("Bedömning från första fönstret.")
    first.page.get_by_role("button", name="Spara bedömning").click()
    expect(first.page.get_by_text("Bedömningen är sparad.")).to_be_visible()
    second.page.get_by_label("Motivering").fill("Bedömning från andra fönstret.")
    second.page.get_by_role("button", name="Spara bedömning").click()
    conflict = second.page.get_by_role("alert")
    expect(conflict).to_contain_text("Konflikt")
    expect(conflict).to_contain_text("Bedömning från första fönstret.")
    expect(conflict).to_contain_text("Bedömning från andra fönstret.")
    second.check("conflict")
    first.close()

    # The session expires while typing: the text survives the log-in.
    second.go(path)
    second.page.get_by_label("Motivering").fill("Lång text skriven medan sessionen gick ut.")
    # The session ends (its cookie is gone); the CSRF cookie lives on, as it does in life.
    second.context.clear_cookies(name="sessionid")
    second.page.get_by_role("button", name="Spara bedömning").click()
    second.page.wait_for_url("**/login/**")
    second.page.get_by_label("Användarnamn").fill("controller")
    second.page.get_by_label("Lösenord").fill(password)
    second.page.get_by_role("button", name="Logga in").click()
    expect(second.page.get_by_label("Motivering")).to_have_value(
        "Lång text skriven medan sessionen gick ut."
    )
    second.check("restored")
    second.close()
