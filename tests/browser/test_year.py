"""A whole year run in the web app by the people who run it, with axe-core on every page
visited: an administrator invites a controller and two unit heads, who choose their
passwords from the invitation; the controller creates the next period from the previous one,
sets the deadlines, sets a budget by a periodisation key and gives texts to units to write;
the unit heads get the reminder, fill in forecast, texts, plan follow-ups, an investment
forecast, indicator values and a goal assessment and submit; one unit is returned and
resubmitted; the controller approves both at once; the head approves with a confirmation of
the checks' findings and publishes; a lock is opened and the public page still shows the
published edition; the year's forecast accuracy shows the follow-up's forecast against the
outcome."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tertial.economy.models import BudgetEntry
from tertial.goals.models import BoardGoal, Indicator
from tertial.narrative.models import NarrativeSection, PlanFollowUp
from tertial.organisation.models import Period, Unit
from tertial.workflow import services as workflow
from tertial.workflow.models import UnitSubmission
from tertial.workflow.notices import send_reminders

from .test_walk import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NEW_PASSWORD = "Ett-långt-lösenord-2020"
PEOPLE = [
    # (e-mail, first name, last name, role, unit code)
    ("cecilia.lund@example.org", "Cecilia", "Lund", "controller", None),
    ("anna.berg@example.org", "Anna", "Berg", "unit_head", "1800"),
    ("bo.ek@example.org", "Bo", "Ek", "unit_head", "1500"),
]


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_year_run_in_the_web_app(browser, live_server, example, screens, settings):
    settings.TASKS = IMMEDIATE
    settings.SITE_URL = live_server.url
    organisation, credentials = example
    password = credentials["password"]
    period = Period.objects.get(fiscal_year__organisation=organisation, key="2020-08")
    # The year's last period is the one the controller makes here.
    Period.objects.filter(fiscal_year=period.fiscal_year, key="2020-12").delete()
    lkdata = Unit.objects.get(organisation=organisation, code="1800")
    kontakt = Unit.objects.get(organisation=organisation, code="1500")
    # The goal LKDATA answers for, as an organisation's goals.yaml would say.
    goal = BoardGoal.objects.get(fiscal_year=period.fiscal_year, code="hog-digitalisering")
    goal.responsible_units.add(lkdata)
    goal.assessments.filter(period=period).delete()
    admin_user = workflow.UnitSubmission._meta.get_field("updated_by").related_model
    controller_demo = admin_user.objects.get(username="controller")
    for unit in workflow.reporting_units(period):
        if unit not in (lkdata, kontakt):
            workflow.submit_unit(unit, period, actor=controller_demo)
            workflow.approve_unit(unit, period, actor=controller_demo)

    # The administrator invites a controller and two unit heads.
    admin = Visitor(browser, live_server, screens)
    admin.log_in("admin", password)
    admin.go("/org/vss/2020-08/people/", "year-people")
    form = admin.page.locator("form", has=admin.page.get_by_role("button", name="Bjud in"))
    for email, first, last, role, unit_code in PEOPLE:
        form.get_by_label("E-postadress").fill(email)
        form.get_by_label("Förnamn").fill(first)
        form.get_by_label("Efternamn").fill(last)
        form.get_by_label("Roll").select_option(role)
        if unit_code:
            name = Unit.objects.get(organisation=organisation, code=unit_code).name
            form.get_by_label(name, exact=True).check()
        form.get_by_role("button", name="Bjud in").click()
        expect(admin.page.get_by_text(f"{email} är inbjuden och får ett e-brev.")).to_be_visible()
        admin.check()
    invitations = {message.to[0]: _link(message) for message in mail.outbox}
    assert sorted(invitations) == sorted(p[0] for p in PEOPLE)

    # Each chooses a password from the invitation's link, then signs in.
    visitors = {}
    for email, *_ in PEOPLE:
        person = Visitor(browser, live_server, screens)
        person.page.goto(invitations[email])
        person.page.locator("#id_new_password1").fill(NEW_PASSWORD)
        person.page.locator("#id_new_password2").fill(NEW_PASSWORD)
        person.page.get_by_role("button", name="Spara lösenordet").click()
        person.check()
        person.log_in(email, NEW_PASSWORD)
        visitors[email] = person
    controller = visitors["cecilia.lund@example.org"]
    anna = visitors["anna.berg@example.org"]
    bo = visitors["bo.ek@example.org"]

    # The controller creates the year's last period from the previous one.
    controller.go("/org/vss/2020-08/calendar/", "year-calendar")
    controller.page.get_by_role("button", name="Skapa perioden").click()
    expect(
        controller.page.get_by_text("Perioden Verksamhetsberättelse 2020 är skapad.")
    ).to_be_visible()
    controller.check()
    new_period = Period.objects.get(fiscal_year=period.fiscal_year, key="2020-12")
    assert NarrativeSection.objects.filter(period=new_period).count() == (
        NarrativeSection.objects.filter(period=period).count()
    )

    # She sets this period's deadlines and gives texts to the units to write.
    deadline = timezone.localdate() + datetime.timedelta(days=2)
    controller.go("/org/vss/2020-08/", "year-dashboard")
    controller.page.get_by_label("Verksamheterna lämnar in senast").fill(deadline.isoformat())
    controller.page.get_by_role("button", name="Spara sista dagar").click()
    expect(controller.page.get_by_text("Sista dagarna är sparade.")).to_be_visible()
    controller.check()
    section = NarrativeSection.objects.get(period=period, key="economy_units_analysis")
    plan = PlanFollowUp.objects.filter(period=period).order_by("sort_order").first()
    controller.go("/org/vss/2020-08/texts/")
    controller.page.locator(f"#id_section-{section.pk}_unit").select_option(str(lkdata.pk))
    controller.page.locator(f"#sec-{section.pk}").locator("..").get_by_role(
        "button", name="Spara texten"
    ).click()
    expect(controller.page.get_by_text("Texten är sparad.")).to_be_visible()
    controller.page.locator(f"#id_plan-{plan.pk}_unit").select_option(str(kontakt.pk))
    controller.page.locator(f"#plan-{plan.pk}").locator("..").get_by_role(
        "button", name="Spara uppföljningen"
    ).click()
    expect(controller.page.get_by_text("Uppföljningen är sparad.")).to_be_visible()
    controller.check("year-texts-controller")

    # She sets LKDATA's premises budget for the year, spread in twelfths.
    controller.go("/org/vss/2020-08/imports/")
    controller.page.get_by_role("link", name="Budget per periodiseringsnyckel").click()
    controller.check()
    controller.page.get_by_label("Verksamhet").select_option(label=lkdata.name)
    controller.page.get_by_label("Kontoklass").select_option(label="Lokalkostnader")
    controller.page.get_by_label("Budget helår (tkr)").fill("1 200")
    controller.page.get_by_label("Tolftedelar: lika mycket varje månad").check()
    controller.page.get_by_role("button", name="Spara budgeten").click()
    controller.check("year-budget")
    premises = BudgetEntry.objects.filter(
        unit=lkdata, account_class__code="premises", year=2020
    ).order_by("month")
    assert [entry.amount for entry in premises] == [Decimal(100_000)] * 12

    # The reminders before the deadline reach both unit heads (`tertial remind`, daily).
    mail.outbox.clear()
    send_reminders()
    reminded = sorted(address for message in mail.outbox for address in message.to)
    assert reminded == ["anna.berg@example.org", "bo.ek@example.org"]

    unit_path = f"/org/vss/2020-08/unit/{lkdata.pk}/"
    kontakt_path = f"/org/vss/2020-08/unit/{kontakt.pk}/"

    def fill_forecast(visitor, net_tkr: str, comment: str):
        page = visitor.page
        page.get_by_label("Prognos nettoresultat helår (tkr)").fill(net_tkr)
        page.get_by_label("varav intäkter (tkr)").fill("")
        page.get_by_label("varav kostnader (tkr)").fill("")
        page.get_by_label("Analys och kommentar").fill(comment)
        page.get_by_role("button", name="Spara prognos").click()
        expect(page.get_by_text("Prognosen är sparad.")).to_be_visible()
        visitor.check()

    # Anna (LKDATA) starts from her to-do list.
    anna.go("/", "year-start-unit-head")
    todo = anna.page.locator(f'a[href="{unit_path}"]', has_text="Fyll i och lämna in LKDATA")
    expect(todo).to_be_visible()
    todo.click()
    anna.check()
    # The unit page lists the texts LKDATA writes; one leads to its box on the texts page.
    anna.page.get_by_role("link", name=str(section)).click()
    anna.check()
    anna.page.locator(f"#id_section-{section.pk}_body").fill(
        "LKDATA:s överskott kommer av högre försäljning av support."
    )
    anna.page.locator(f"#sec-{section.pk}").locator("..").get_by_role(
        "button", name="Spara texten"
    ).click()
    expect(anna.page.get_by_text("Texten är sparad.")).to_be_visible()
    anna.check("year-texts-unit-head")
    anna.go(unit_path)
    expect(anna.page.locator("#texts + ul")).to_contain_text(f"{section} – skriven")
    fill_forecast(anna, "2 950", "Högre försäljning av support än budgeterat.")
    indicator = Indicator.objects.get(organisation=organisation, code="arenden-lkdata-support")
    anna.page.locator(f"#id_indicator-{indicator.pk}_value").fill("41 250")
    anna.page.get_by_role("button", name=f"Spara värde för {indicator.name}").click()
    expect(anna.page.get_by_text(f"Värdet för {indicator.name} är sparat.")).to_be_visible()
    anna.check("year-unit")
    anna.go("/org/vss/2020-08/investments/", "year-investments")
    anna.page.get_by_label("Prognos utgifter helår (tkr)").fill("58 000")
    anna.page.get_by_role("button", name="Spara investeringen").click()
    expect(anna.page.get_by_text("Investeringen IT-utrustning är sparad.")).to_be_visible()
    anna.check()
    anna.go(f"/org/vss/2020-08/goal/{goal.pk}/")
    anna.page.get_by_label("uppnås delvis").check()
    anna.page.get_by_label("Motivering").fill("Fler tjänster är digitala, men inte alla.")
    anna.page.get_by_role("button", name="Spara bedömning").click()
    expect(anna.page.get_by_text("Bedömningen är sparad.")).to_be_visible()
    anna.check("year-goal")
    anna.go(unit_path)
    anna.page.get_by_role("button", name="Lämna in").click()
    expect(anna.page.get_by_text("LKDATA är inlämnad.")).to_be_visible()
    anna.check()

    # Bo (Kontakt Linköping) follows up his plan and hands in without a comment.
    bo.go("/org/vss/2020-08/texts/")
    bo.page.locator(f"#id_plan-{plan.pk}_body").fill("Planen följs; inga avvikelser.")
    bo.page.locator(f"#plan-{plan.pk}").locator("..").get_by_role(
        "button", name="Spara uppföljningen"
    ).click()
    expect(bo.page.get_by_text("Uppföljningen är sparad.")).to_be_visible()
    bo.check()
    bo.go(kontakt_path)
    fill_forecast(bo, "-100", "")
    bo.page.get_by_role("button", name="Lämna in").click()
    expect(bo.page.get_by_text("Kontakt Linköping är inlämnad.")).to_be_visible()
    bo.check()

    # The controller returns Kontakt Linköping; Bo explains and hands in again.
    controller.go(kontakt_path)
    controller.page.get_by_label("Vad ska rättas?").fill("Förklara underskottet.")
    controller.page.get_by_role("button", name="Skicka tillbaka med kommentar").click()
    expect(controller.page.get_by_text("är återsänd med kommentar.")).to_be_visible()
    controller.check()
    bo.go(kontakt_path)
    expect(bo.page.locator(".return-comment")).to_have_text("Förklara underskottet.")
    fill_forecast(bo, "-100", "Underskottet kommer av fler samtal under pandemin.")
    bo.page.get_by_role("button", name="Lämna in").click()
    expect(bo.page.get_by_text("Kontakt Linköping är inlämnad.")).to_be_visible()
    bo.check()

    # The controller approves both units at once on the dashboard.
    controller.go("/org/vss/2020-08/")
    controller.page.get_by_label("LKDATA", exact=True).check()
    controller.page.get_by_label("Kontakt Linköping", exact=True).check()
    controller.page.get_by_role("button", name="Godkänn markerade").click()
    expect(controller.page.get_by_text("2 verksamheter är godkända.")).to_be_visible()
    controller.check()
    assert not workflow.units_not_approved(period)

    # The head approves, confirming the checks' findings, and publishes.
    head = Visitor(browser, live_server, screens)
    head.log_in("chef", password)
    head.go("/org/vss/2020-08/report/", "year-report")
    head.page.get_by_role("button", name="Godkänn rapporten").click()
    # The browser will not send the form before the findings are confirmed.
    assert not Period.objects.get(pk=period.pk).is_locked
    head.page.get_by_label(re.compile("godkänner rapporten ändå")).check()
    head.page.get_by_role("button", name="Godkänn rapporten").click()
    expect(head.page.get_by_text("Rapporten är godkänd och perioden låst.")).to_be_visible()
    head.check()
    # Publishing renders the edition's PDF, Word and Excel for the public page, here in the
    # request itself (the tasks run at once in this test).
    head.page.set_default_timeout(300_000)
    head.page.get_by_role("button", name="Publicera rapporten").click()
    expect(head.page.get_by_text("Rapporten är publicerad.")).to_be_visible()
    head.check()

    # The administrator opens the lock; the public page still shows the published edition.
    admin.go("/org/vss/2020-08/report/")
    admin.page.get_by_label("Anledning till upplåsning").fill("Rättelse av en text.")
    admin.page.get_by_role("button", name="Lås upp perioden").click()
    expect(admin.page.get_by_text("Perioden är upplåst.")).to_be_visible()
    expect(
        admin.page.get_by_text("Den publika sidan visar den publicerade utgåvan")
    ).to_be_visible()
    admin.check("year-report-unlocked")
    # The forecast accuracy of the year shows the follow-up's forecasts against the outcome.
    controller.go("/org/vss/2020-08/", "year-accuracy")
    accuracy = controller.page.locator(
        "table", has=controller.page.locator("caption", has_text="Prognossäkerhet 2020")
    )
    expect(accuracy.locator("tr", has_text="LKDATA")).to_contain_text("2 950")
    reader = Visitor(browser, live_server, screens)
    reader.go("/o/vss/2020-08/", "year-public")
    expect(reader.page.get_by_text(re.compile("utgåva 1"))).to_be_visible()
    states = set(
        UnitSubmission.objects.filter(period=period, unit__in=[lkdata, kontakt]).values_list(
            "state", flat=True
        )
    )
    assert states == {UnitSubmission.State.APPROVED}
    for visitor in (admin, controller, anna, bo, head, reader):
        visitor.close()
