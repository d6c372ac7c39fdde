#!/usr/bin/env python3
"""The web console in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium, against a real fieldroll-server on 127.0.0.1 with a fresh data folder.

The server is set up with the project's own commands: `init`, `user add` (passwords on standard
input), then `demo --serve`, which imports a synthetic county (applications at every step of the
review chain) and lets two caseworker tablets edit the same household offline, so a conflict waits
for the office. The test then, as office staff would:

  1. signs in (an administrator), sees the dashboard;
  2. submits a form with a forged CSRF token and gets the 403 page, nothing changed;
  3. resolves the conflict by choosing the other value, sees it resolved, enrols a device on the
     devices page (its one-time code shown once) and checks that it pulls the server's write of
     that value;
  4. signs in as a reviewer and approves an application at the township review, one step;
  5. as the administrator, approves one application through every step — village survey,
     township review, county approval — to the public notice, opens the printable notice of its
     village and sees the household there with its head's name masked (the benefit standard the
     county approval needs is added with `standard add` before the demo starts);
  6. opens a household's history (the demo's visit photo as a thumbnail), the roll with its
     totals, a search by name (sent by POST: the name is not in the URL), and an import preview
     that lists a bad row and offers nothing to write;
  7. verifies the audit chain from the audit page;
  8. signs in as a viewer and sees resident IDs masked and no decision buttons;

and saves screenshots of the pages (1366x768, and the review queue on a tablet) to
docs/console-screenshots/ (or --screenshots DIR).

    .venv/bin/python Tests/Browser/console_test.py [--server .build/debug/fieldroll-server] [--screenshots DIR]

Ends with 'browser: N passed, N failed' and exits non-zero on any failure.
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COUNTY = "139901000000"
VILLAGE = "139901002201"
PASSWORD = "browser test password"


def mask(name):
    """A name as the public notice shows it (NoticeMask.name): first and last kept from three characters."""
    chars = list(name.strip())
    if len(chars) <= 1:
        return "*" * len(chars)
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


class Run:
    def __init__(self, server, shots):
        self.server = server
        self.shots = shots
        self.passed = 0
        self.failed = 0
        self.work = tempfile.mkdtemp(prefix="fieldroll-browser-")
        self.data = os.path.join(self.work, "data")
        self.process = None
        self.base = None
        self.driver = None
        self.household = None

    # -- the server ---------------------------------------------------------------------------

    def cli(self, *args, stdin=None):
        result = subprocess.run(
            [self.server, *args, "--data", self.data], input=stdin, capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            raise RuntimeError(f"fieldroll-server {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start_server(self):
        self.cli("init")
        self.cli("user", "add", "admin1", "--role", "admin", "--scope", COUNTY, stdin=PASSWORD + "\n")
        self.cli("user", "add", "reviewer1", "--role", "reviewer", "--scope", COUNTY, stdin=PASSWORD + "\n")
        self.cli("user", "add", "viewer1", "--role", "viewer", "--scope", COUNTY, stdin=PASSWORD + "\n")
        for programme in ("urban-dibao", "rural-dibao", "extreme-poverty", "temporary-assistance"):
            self.cli("standard", "add", "--region", COUNTY, "--programme", programme, "--per-capita", "820.00", "--from", "2026-01-01", "--confirm")
        log = open(os.path.join(self.work, "demo.log"), "w")
        self.process = subprocess.Popen(
            [self.server, "demo", "--data", self.data, "--port", "0", "--serve"], stdout=log, stderr=subprocess.STDOUT, text=True
        )
        deadline = time.time() + 180
        while time.time() < deadline:
            text = open(os.path.join(self.work, "demo.log")).read()
            match = re.search(r"Serving on (http://127\.0\.0\.1:\d+)", text)
            if match:
                self.base = match.group(1)
                return
            if self.process.poll() is not None:
                raise RuntimeError("the demo server stopped:\n" + text)
            time.sleep(0.2)
        raise RuntimeError("the demo server did not start within 180 s")

    def stop_server(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    # -- the browser --------------------------------------------------------------------------

    def start_browser(self):
        options = Options()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,768"):
            options.add_argument(flag)
        options.add_argument("--lang=zh-CN")
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(60)

    def go(self, path):
        self.driver.get(self.base + path)

    def find(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def submit(self, button, then_css):
        """Clicks a form's button and waits for the next page, which must show `then_css`: a
        click does not wait for the navigation it starts."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        button.click()

        def gone(driver):
            # Chromium may answer "Node ... does not belong to the document" instead of a stale
            # element while the old page is torn down: that is gone too.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 30).until(gone)
        return WebDriverWait(self.driver, 30).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, then_css))
        )

    def shot(self, name):
        os.makedirs(self.shots, exist_ok=True)
        self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))

    def sign_in(self, name):
        self.go("/console/login")
        self.driver.find_element(By.ID, "name").send_keys(name)
        self.driver.find_element(By.ID, "password").send_keys(PASSWORD)
        self.submit(self.driver.find_element(By.ID, "login-submit"), "#who")

    def sign_out(self):
        self.go("/console/dashboard")
        self.submit(self.driver.find_element(By.ID, "logout"), "#login-form")

    # -- checks -------------------------------------------------------------------------------

    def check(self, name, body):
        try:
            body()
            self.passed += 1
            print(f"  ok    {name}")
        except Exception:
            self.failed += 1
            print(f"  FAIL  {name}")
            traceback.print_exc()

    def sign_in_and_dashboard(self):
        self.go("/console")
        assert self.driver.current_url.endswith("/console/login"), self.driver.current_url
        self.shot("login")
        self.sign_in("admin1")
        assert self.driver.current_url.endswith("/console/dashboard"), self.driver.current_url
        assert "admin1" in self.driver.find_element(By.ID, "who").text
        assert int(self.driver.find_element(By.ID, "conflicts-waiting").text) >= 1, "the demo leaves a conflict"
        assert self.find("#devices tbody tr"), "the demo's devices are listed"
        self.shot("dashboard")
        self.go("/console/dashboard?lang=en")
        assert "Dashboard" in self.driver.page_source
        self.shot("dashboard-en")
        self.go("/console/dashboard?lang=zh")

    def forged_csrf(self):
        self.go("/console/conflicts")
        form = self.find("article.conflict form")[0]
        self.driver.execute_script("arguments[0].querySelector('input[name=_csrf]').value = 'forged'", form)
        message = self.submit(form.find_element(By.CSS_SELECTOR, "button.other"), "#message")
        assert message.get_attribute("data-kind") == "csrf-failed", message.get_attribute("outerHTML")
        self.shot("csrf-refused")
        self.go("/console/conflicts")
        assert self.find("article.conflict[data-state=open] form"), "nothing was resolved"

    def resolve_conflict(self):
        self.go("/console/conflicts")
        self.shot("conflicts")
        article = self.find("article.conflict[data-state=open]")[0]
        conflict = article.get_attribute("id")
        other = article.find_element(By.CSS_SELECTOR, ".side.other .value").text
        field = article.find_element(By.CSS_SELECTOR, "h2 code").text
        self.submit(article.find_element(By.CSS_SELECTOR, "button.other"), "#flash")
        assert not self.find(f"#{conflict}"), "the conflict left the open list"
        self.go("/console/conflicts?all=1")
        assert self.driver.find_element(By.ID, conflict).get_attribute("data-state") == "resolved"
        self.check_device_pull(field, other)

    def check_device_pull(self, field, value):
        """A device enrolled now pulls its village and must see the server's write of `value`."""
        code = self.enrol_on_console("浏览器测试平板")
        self.shot("devices")
        key = os.path.join(self.work, "device.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True, capture_output=True)
        der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"], check=True, capture_output=True).stdout
        public = base64.b64encode(der[-32:]).decode()
        request = urllib.request.Request(
            self.base + "/v1/devices/enrol",
            data=json.dumps({"code": code, "publicKey": public}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(request, timeout=30))["token"]
        server = json.load(urllib.request.urlopen(self.base + "/healthz", timeout=30))["server"]
        after, seen = None, []
        for _ in range(200):
            url = self.base + "/v1/sync/pull?limit=500" + (f"&after={after}" if after else "")
            page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + token}), timeout=30))
            for item in page["changes"]:
                change = item["change"]
                if item["origin"] == server and "writes" in change:
                    seen += [w["value"] for w in change["writes"] if w["field"] == field]
            after = page["cursor"]
            if not page["more"]:
                break
        assert value in [str(v) for v in seen], f"the pulled server writes of {field} are {seen}, not {value!r}"

    def enrol_on_console(self, name, region=VILLAGE):
        """Enrols a device for `region` on the console's devices page; returns the one-time code shown there once."""
        self.go("/console/devices")
        self.driver.find_element(By.ID, "device-name").send_keys(name)
        scope = self.driver.find_element(By.ID, "device-scope")
        scope.clear()
        scope.send_keys(region)
        return self.submit(self.driver.find_element(By.ID, "enrol"), "#code-value").text

    def caseworker_surveys(self, household, region):
        """A caseworker's tablet (the device CLI, enrolled from the console) records a signed survey
        visit of `household` and syncs it: the county approval computes the amount from it."""
        device = os.path.join(os.path.dirname(self.server), "fieldroll")
        folder = os.path.join(self.work, "tablet")
        env = dict(os.environ, FIELDROLL_PASSPHRASE="browser test tablet", FIELDROLL_DEVICE=folder)

        def run(*args):
            result = subprocess.run([device, *args], env=env, capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, f"fieldroll {' '.join(args)}: {result.stderr.strip()}"

        run("init", "--name", "浏览器测试调查平板")
        run("enroll", self.base, self.enrol_on_console("浏览器测试调查平板", region))
        run("sync")
        run("visit", "record", "--household", household, "--author", "李敏", "--answer", "income.wages=300.00")
        run("sync")

    def approve_one_step(self):
        self.sign_out()
        self.sign_in("reviewer1")
        self.go("/console/review")
        self.shot("review")
        before = len(self.find("article.application"))
        assert before > 0, "the demo county has applications waiting"
        pages = 0
        while not self.find("article.application[data-step=township-review] button.approve") and pages < 20:
            links = self.find("nav.pager a[rel=next]")
            if not links:
                break
            self.go(links[0].get_attribute("href").replace(self.base, ""))
            pages += 1
        buttons = self.find("article.application[data-step=township-review] button.approve")
        assert buttons, "an application waits for the township review"
        article = buttons[0].find_element(By.XPATH, "./ancestor::article")
        enrolment = article.get_attribute("id")
        self.submit(buttons[0], "#flash")
        moved = self.find(f"#{enrolment}")
        assert not moved or moved[0].get_attribute("data-step") != "township-review", "the application moved on"
        self.driver.set_window_size(820, 1180)
        self.go("/console/review")
        self.shot("review-tablet")
        self.driver.set_window_size(1366, 768)

    def find_in_queue(self, css):
        """Pages through the review queue until an element matching `css` shows."""
        self.go("/console/review")
        for _ in range(30):
            found = self.find(css)
            if found:
                return found[0]
            links = self.find("nav.pager a[rel=next]")
            if not links:
                break
            self.go(links[0].get_attribute("href").replace(self.base, ""))
        raise AssertionError(f"nothing in the review queue matches {css}")

    def approve_to_notice(self):
        self.sign_out()
        self.sign_in("admin1")
        article = self.find_in_queue("article.application[data-step=village-survey]")
        enrolment = article.get_attribute("id").removeprefix("enrolment-")
        region = article.get_attribute("data-region")
        head = article.find_element(By.CSS_SELECTOR, "h2 a").text
        self.household = article.find_element(By.CSS_SELECTOR, "h2 a").get_attribute("href").replace(self.base, "")
        self.caseworker_surveys(self.household.rsplit("/", 1)[-1], region)
        for step in ("village-survey", "township-review", "county-approval"):
            self.go(f"/console/review?enrolment={enrolment}")
            card = self.driver.find_element(By.ID, f"enrolment-{enrolment}")
            assert card.get_attribute("data-step") == step, (card.get_attribute("data-step"), step)
            self.submit(card.find_element(By.CSS_SELECTOR, "button.approve"), "#flash")
        self.go(f"/console/review?enrolment={enrolment}")
        card = self.driver.find_element(By.ID, f"enrolment-{enrolment}")
        assert card.get_attribute("data-step") == "public-notice", card.get_attribute("data-step")
        self.go(f"/console/notice/{region}")
        text = self.driver.find_element(By.TAG_NAME, "body").text
        masked = mask(head)
        assert masked in text, f"{masked} is not on the notice"
        assert head not in text, "the head's full name is on the notice"
        self.shot("notice")
        self.go(self.household)
        assert self.find("#enrolments code"), "the household's enrolments are listed"
        assert "public-notice" in self.driver.find_element(By.ID, "enrolments").text
        assert len(self.find("#review-actions tbody tr")) >= 3, "the three decisions are in its history"

    def records_pages(self):
        self.go("/console/conflicts?all=1")
        self.go(self.find("a.household-link")[0].get_attribute("href").replace(self.base, ""))
        assert self.find("#visits img.thumb"), "the demo visit's photo shows as a thumbnail"
        image = self.find("#visits img.thumb")[0]
        assert self.driver.execute_script("return arguments[0].naturalWidth", image) > 0, "the photo's bytes load"
        self.shot("household")
        self.go("/console/roll")
        assert self.find("#roll tbody tr"), "villages on the roll"
        assert re.fullmatch(r"[\d,]+\.\d\d", self.driver.find_element(By.ID, "grand-total").text)
        self.shot("roll")
        self.go(f"/console/roll/{VILLAGE}")
        assert self.find("#village-roll tbody tr")
        self.shot("village-roll")
        self.go("/console/search")
        self.driver.find_element(By.ID, "search-q").send_keys("王")
        self.submit(self.driver.find_element(By.ID, "search-submit"), "#search-count")
        assert self.driver.current_url.endswith("/console/search"), self.driver.current_url
        assert self.find("#results a.household-link"), "households named 王"
        self.shot("search")
        self.go("/console/import")
        bad = os.path.join(self.work, "households.csv")
        with open(bad, "w", encoding="utf-8") as out:
            out.write("id,region,address,head_name,phone,housing,housing_area_m2,declared_monthly_income_yuan,assets\n")
            out.write(f",{VILLAGE},上河村7组,褚卫东,,self-built,60,300.00,\n")
            out.write(f",{VILLAGE},上河村7组,,,castle,,很多,\n")
        self.driver.find_element(By.ID, "import-file").send_keys(bad)
        self.submit(self.driver.find_element(By.ID, "import-preview"), "#preview")
        assert self.find("#preview-errors li"), "the bad row is listed"
        assert not self.find("#commit-form"), "nothing to write while a row is bad"
        self.shot("import-preview")
        self.go("/console/review/roll")
        self.shot("roll-review")

    def viewer_sees_masked(self):
        self.sign_out()
        self.sign_in("viewer1")
        self.go("/console/review")
        ids = [cell.text for cell in self.find("table.members td.id")]
        assert ids and all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", i) for i in ids), ids[:3]
        assert not self.find("button.approve"), "a viewer gets no decision buttons"
        self.shot("review-viewer")

    def verify_audit(self):
        self.go("/console/audit")
        result = self.submit(self.driver.find_element(By.ID, "verify"), "#verify-result")
        assert "ok" in result.get_attribute("class").split(), result.text
        assert self.find("#audit tbody tr"), "entries are listed"
        self.shot("audit")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.path.join(ROOT, ".build", "debug", "fieldroll-server"))
    parser.add_argument("--screenshots", default=os.path.join(ROOT, "docs", "console-screenshots"))
    args = parser.parse_args()
    run = Run(os.path.abspath(args.server), os.path.abspath(args.screenshots))
    print("browser: the web console in headless Chromium")
    try:
        run.start_server()
        run.start_browser()
        run.check("sign in and see the dashboard", run.sign_in_and_dashboard)
        run.check("a forged CSRF token gets the 403 page and changes nothing", run.forged_csrf)
        run.check("resolve a conflict; a device pulls the resolution", run.resolve_conflict)
        run.check("a reviewer approves an application one step", run.approve_one_step)
        run.check("approve a household through every step to the notice; the notice masks it", run.approve_to_notice)
        run.check("household history, roll, search and import preview pages", run.records_pages)
        run.check("verify the audit chain", run.verify_audit)
        run.check("a viewer sees resident IDs masked and no buttons", run.viewer_sees_masked)
    except Exception:
        run.failed += 1
        traceback.print_exc()
    finally:
        if run.driver:
            run.driver.quit()
        run.stop_server()
        shutil.rmtree(run.work, ignore_errors=True)
    print(f"browser: {run.passed} passed, {run.failed} failed")
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
