"""A real browser drives the ops console: log in, pause and resume a projection,
rebuild one and watch its progress bar reach 100 %, retry a dead letter."""

import pytest
from django.contrib.admin.models import LogEntry
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from projections.models import DeadLetterStatus, SegmentCheckpoint
from projections.rebuilds.models import RebuildRun, RebuildState
from tests.projections.console.browser import artifacts_dir, chromium
from tests.projections.draining import drain
from tests.projections.rebuild.seeding import make_catalog

WAIT_SECONDS = 30


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


class Console:
    """The steps a person takes, with a screenshot after each."""

    def __init__(self, *, driver: WebDriver, base_url: str) -> None:
        self.driver, self.base_url = driver, base_url
        self.shots = artifacts_dir()
        self.step = 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.driver.save_screenshot(str(self.shots / f"{self.step:02d}-{name}.png"))

    def wait_for(self, condition, message: str):
        try:
            return WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.2).until(
                lambda driver: condition(), message
            )
        except TimeoutException:
            self.shot("timed-out")
            raise

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def log_in(self, *, username: str, password: str) -> None:
        self.driver.get(f"{self.base_url}/admin/login/?next=/admin/")
        self.find("#id_username").send_keys(username)
        self.find("#id_password").send_keys(password)
        self.find("input[type=submit]").click()
        self.wait_for(lambda: "Site administration" in self.driver.title, "login")

    def row(self, projection: str, css: str):
        return self.find(f'tr[data-projection="{projection}"] {css}')

    def state(self, projection: str) -> str:
        return self.row(projection, '[data-field="state"]').text

    def act(self, *, projection: str, action: str) -> None:
        self.row(projection, f'a[data-action="{action}"]').click()
        self.wait_for(lambda: self.driver.find_elements(By.ID, "confirm"), "confirm")
        self.shot(f"confirm-{action}-{projection}")
        self.find("#confirm").click()
        self.wait_for(lambda: self.driver.find_elements(By.ID, "ops-console"), "back")

    def message(self) -> str:
        return self.find("ul.messagelist li").text


@pytest.mark.usefixtures("worker")
def test_console_in_a_real_browser(live_server, browser, operator, poisoned):
    make_catalog(products=150)
    drain()
    operator.set_password("operator-pw")
    operator.save()
    console = Console(driver=browser, base_url=live_server.url)

    console.log_in(username="olga", password="operator-pw")
    console.find("#ops-console-link a").click()
    console.wait_for(lambda: browser.find_elements(By.ID, "ops-console"), "console")
    console.shot("console")
    assert console.state("products") == "idle"
    assert console.row("products", '[data-field="dead_letters"]').text != "0"

    console.act(projection="products", action="pause")
    assert console.state("products") == "paused"
    assert "Paused products" in console.message()
    console.shot("paused")
    console.act(projection="products", action="resume")
    assert console.state("products") != "paused"
    assert not SegmentCheckpoint.objects.filter(paused=True).exists()

    console.act(projection="stock", action="rebuild")
    bar = '[role="progressbar"]'
    # The page refreshes itself: no reload from here on.
    console.wait_for(
        lambda: (
            float(console.row("stock", bar).get_attribute("aria-valuenow")) == 100
            and "succeeded" in console.row("stock", ".ops-rebuild-label").text
            and console.row("stock", '[data-field="generation"]').text == "2"
            and console.find("#ops-refreshed").text.startswith("updated")
        ),
        "the stock rebuild's progress bar at 100 % and generation 2 live",
    )
    console.shot("rebuilt")
    assert RebuildRun.objects.get(projection="stock").state == RebuildState.SUCCEEDED

    console.row("products", '[data-field="dead_letters"]').click()
    letter_link = f'a[href*="/deadletter/{poisoned.first.pk}/change/"]'
    console.wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, letter_link), "dead letters"
    )
    console.shot("dead-letters")
    console.find(letter_link).click()
    console.wait_for(lambda: browser.find_elements(By.ID, "dead-letter-retry"), "page")
    assert (
        "cannot fold a product called Poison" in console.find("#dead-letter-error").text
    )
    console.shot("dead-letter")
    console.find("#id_reason").send_keys("product renamed; the fold accepts it now")
    console.find("#dead-letter-retry").click()
    console.wait_for(lambda: "applied and resolved" in console.message(), "retried")
    console.shot("dead-letter-retried")

    poisoned.first.refresh_from_db()
    assert poisoned.first.status == DeadLetterStatus.RESOLVED
    assert poisoned.first.operator_reason == "product renamed; the fold accepts it now"
    assert LogEntry.objects.filter(user=operator).count() == 4
