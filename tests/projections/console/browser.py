"""Headless Debian Chromium under Selenium, for the console's real-browser test.

`make install` installs the `chromium` and `chromium-driver` packages
(`scripts/browser.sh`). The binaries can be moved with CHROMIUM_BINARY and
CHROMEDRIVER; a missing browser fails the test (it is never skipped).
Screenshots go to `test-artifacts/browser/` (git-ignored), or
`$CQRS_TEST_ARTIFACTS/browser/`.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1800,1000",
)


def artifacts_dir() -> Path:
    root = os.environ.get("CQRS_TEST_ARTIFACTS") or str(
        Path(settings.BASE_DIR) / "test-artifacts"
    )
    folder = Path(root) / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _binary(variable: str, default: str) -> str:
    path = os.environ.get(variable, default)
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"{path} is missing: run `make install` (or scripts/browser.sh) to "
            f"install Debian's chromium and chromium-driver, or set {variable}"
        )
    return path


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium with its own throw-away profile."""
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("CHROMIUM_BINARY", "/usr/bin/chromium")
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="cqrs-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(_binary("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
