"""Importing invoices from a CSV file in the browser: the link from the invoices list, the
upload, the progress bar following the job until it is done; a file with problems shows them
with the error report, on a laptop and on a phone."""

import urllib.request

import pytest
from playwright.sync_api import expect

from imports import services
from imports.models import Import
from imports.tasks import run_import
from payables.models import Payable
from tests import factories
from tests.browser.conftest import PHONE, screenshot
from tests.imports.conftest import csv_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def warm_server(live_server):
    """The live server's first page loads its URLs and templates: a slow machine can take
    longer than a page's timeout for it, so it is asked once, patiently, before the browser."""
    with urllib.request.urlopen(f"{live_server.url}/login", timeout=120) as response:
        response.read()


def _upload(page, content: bytes, mode_label: str = "Drafts") -> None:
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "may-invoices.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_label("Create the invoices as").select_option(label=mode_label)
    page.get_by_role("button", name="Upload and check").click()


def test_upload_a_file_and_watch_the_progress_bar_reach_done(open_page, live_server, monkeypatch):
    world = factories.acme_pays_globex(people=("payee_owner", "payer_owner"))
    # The job is started by hand below, once the page shows the import waiting.
    monkeypatch.setattr(services, "publish_on_commit", lambda *args, **kwargs: None)
    rows = [f"Acme,MAY-{n},2026-05-01,,{n}.25,USD,,,,," for n in range(1, 41)]
    page = open_page(world.payee_owner)
    page.goto(f"{live_server.url}/b/{world.payee.id}/invoices")
    page.get_by_role("link", name="Import from CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import invoices")
    expect(page.get_by_test_id("import-template")).to_have_attribute(
        "href", "/api/imports/template"
    )
    _upload(page, csv_file(*rows))

    expect(page.get_by_role("heading", level=1)).to_have_text("may-invoices.csv")
    bar = page.locator("progress#import-bar")
    expect(bar).to_have_attribute("max", "40")
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator("[data-import-count]")).to_have_text("0 of 40 rows")
    screenshot(page, "import-waiting-1280")

    # The job runs while no page asks the server anything (the test's database connection is
    # the live server's too); back on the page, it shows what the import created.
    page.goto("about:blank")
    job = Import.objects.get()
    assert run_import(job.pk) == "done"
    page.go_back()
    expect(page.get_by_test_id("import-done").get_by_role("heading")).to_have_text(
        "40 invoices created", timeout=15_000
    )
    expect(page.locator("progress#import-bar")).to_have_attribute("value", "40")
    expect(page.locator("[data-import-status]")).to_have_text("Done")
    screenshot(page, "import-done-1280")
    assert Payable.objects.filter(connection=world.connection, status="DRAFT").count() == 40

    page.get_by_role("link", name="See your invoices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")


def test_a_file_with_problems_shows_them_and_the_error_report_on_a_phone(open_page, live_server):
    world = factories.acme_pays_globex(people=("payee_accountant", "payer_owner"))
    content = csv_file(
        "Acme,B-1,2026-05-01,,10.00,,,,,,",
        "Nobody Ltd,B-2,2026-05-01,,10.00,,,,,,",
        "Acme,B-3,2026-05-01,,10.00,EUR,,,,,",
    )
    page = open_page(world.payee_accountant, viewport=PHONE)
    page.goto(f"{live_server.url}/b/{world.payee.id}/invoices/import")
    screenshot(page, "import-form-390")
    _upload(page, content, mode_label="Submitted")

    problems = page.get_by_test_id("import-problems")
    expect(problems.get_by_role("heading")).to_have_text("2 problems to fix")
    expect(problems).to_contain_text("Nothing was created.")
    expect(problems.get_by_role("row")).to_have_count(3)
    expect(problems.get_by_role("link", name="Download the error report (CSV)")).to_be_visible()
    with page.expect_download() as download:
        problems.get_by_role("link", name="Download the error report (CSV)").click()
    report = download.value.path().read_text()
    assert report.splitlines()[0] == "row,column,message"
    assert len(report.splitlines()) == 3
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page overflows horizontally"
    screenshot(page, "import-problems-390")
    assert not Payable.objects.exists()
