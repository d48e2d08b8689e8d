"""The web console in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Debian's python3-selenium) against a real dpsd: sign-in with its error summaries, the call-offs a
council can see, one call-off, the DPS-against-spot report with its CSV download, sign-out
revoking the session. On every page: axe-core (WCAG 2.2 AA rules) finds 0 violations, the page
fits 320 px without sideways scrolling, and the browser logs no error (a Content-Security-Policy
violation would be one). Screenshots go to SCREENSHOT_DIR.

Usage: console_browser.py BASE_URL CA_FILE TOKENS_JSON AXE_JS SCREENSHOT_DIR"""
import json
import os
import ssl
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

base, ca_file, tokens_file, axe_file, shots = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)
tokens = json.load(open(tokens_file, encoding="utf-8"))
axe_source = open(axe_file, encoding="utf-8").read()
tls = ssl.create_default_context(cafile=ca_file)
failures = []


def api(method, path, token, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, context=tls, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


# Something for the council to see: a DPS with its lots and one call-off on it.
lead = tokens["newham"]["commissioner"]
status, dps = api("POST", "/v1/dps", lead, {"title": "Children's home care DPS", "category": "childrens_social_care",
                                           "regime": "pcr2015_reg34", "term_starts_on": "2025-04-01",
                                           "term_ends_on": "2029-03-31", "latest_end_on": "2031-03-31"})
assert status == 201, status
status, lots = api("POST", f"/v1/dps/{dps['id']}/lots/from-plugin", lead)
assert status == 201, status
assert api("POST", f"/v1/dps/{dps['id']}/status", lead, {"action": "open"})[0] == 200
# Riverside, admitted to the lot, will bid through the console.
riverside = tokens["providers"]["riverside"]
assert api("PATCH", f"/v1/providers/{riverside['provider_id']}/profile", riverside["provider_admin"],
           {"ofsted_urn": "SC900001", "ofsted_rating": "good", "living_wage_commitment": "london_living_wage"})[0] == 200
LOT = "semi-independent-16plus"  # Newham's lot without a regulator rule
status, application = api("POST", f"/v1/dps/{dps['id']}/lots/{LOT}/applications", riverside["bidder"])
assert status == 201, status
assert api("POST", f"/v1/applications/{application['id']}/decision", lead, {"action": "admit"})[0] == 200
status, call_off = api("POST", f"/v1/dps/{dps['id']}/call-offs", lead, {
    "lot_code": LOT, "title": "Supported accommodation, one young person, E15",
    "bid_deadline": "2027-03-01T12:00:00Z",
    "package": {"category": "residential", "hours_per_week": 168, "area": "E15", "start_date": "2027-04-07",
                "duration_weeks": 26, "requirements": ["Ofsted registered"]},
    "weights": {"price": 0.6, "quality": 0.4}})
assert status == 201, status
# A second package, published, for Riverside to bid on.
status, open_call_off = api("POST", f"/v1/dps/{dps['id']}/call-offs", lead, {
    "lot_code": LOT, "title": "Supported accommodation, 16-17, E13", "bid_deadline": "2027-03-01T12:00:00Z",
    "package": {"category": "supported accommodation", "hours_per_week": 10, "area": "E13", "start_date": "2027-04-07",
                "duration_weeks": 26, "requirements": ["Key worker"]}})
assert status == 201, status
assert api("POST", f"/v1/call-offs/{open_call_off['id']}/publish", lead)[0] == 200

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--ignore-certificate-errors",
             "--window-size=1280,900", "--lang=en-GB"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
# The view is re-rendered as pages change: an element found a moment ago may be gone; look again.
wait = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))


def check_page(name):
    """axe-core, 320 px, browser errors, and a screenshot at both widths."""
    driver.save_screenshot(os.path.join(shots, f"{name}.png"))
    driver.execute_script(axe_source)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
           .then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                                               target: v.nodes[0].target}))}))
           .catch(e => done({error: String(e)}));""")
    if "error" in result:
        failures.append(f"{name}: axe did not run: {result['error']}")
    else:
        print(f"console_browser: {name}: axe-core {len(result['violations'])} violations")
        for v in result["violations"]:
            failures.append(f"{name}: axe {v['id']} ({v['impact']}) on {v['nodes']} nodes, e.g. {v['target']}")
    driver.set_window_size(320, 900)
    time.sleep(0.2)
    width = driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1]:
        failures.append(f"{name}: at 320 px the page is {width[0]} px wide (scrolls sideways)")
    driver.save_screenshot(os.path.join(shots, f"{name}-320px.png"))
    driver.set_window_size(1280, 900)
    for entry in driver.get_log("browser"):
        if entry["level"] == "SEVERE":
            failures.append(f"{name}: browser error: {entry['message'][:300]}")


def heading():
    return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#view h1"))).text


def wait_heading(text):
    wait.until(lambda d: text in d.find_element(By.CSS_SELECTOR, "#view h1").text)


try:
    driver.get(base + "/app")  # redirected to /app/, then to sign-in (no session yet)
    wait_heading("Sign in")
    # The first Tab reaches the skip link: the page can be used by keyboard from the top.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element.get_attribute("class")
    if "govuk-skip-link" not in (focused or ""):
        failures.append(f"sign-in: the first Tab focused '{focused}', not the skip link")
    # The focused skip link pushes the page down; leaving it (as a mouse user would) puts it back.
    driver.execute_script("document.activeElement.blur()")
    # Submitted empty: both fields named in an error summary linking to them.
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    summary = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".govuk-error-summary")))
    links = [a.get_attribute("href").split("#")[-1] for a in summary.find_elements(By.TAG_NAME, "a")]
    if links != ["email", "password"]:
        failures.append(f"sign-in: empty form's error summary links to {links}")
    check_page("01-sign-in-errors")
    # A wrong password: refused, in the summary.
    login = tokens["password_login"]
    driver.find_element(By.ID, "email").send_keys(login["email"])
    driver.find_element(By.ID, "password").send_keys("not the password")
    driver.find_element(By.ID, "password").send_keys(Keys.ENTER)  # by keyboard
    wait.until(lambda d: "not right" in d.find_element(By.CSS_SELECTOR, ".govuk-error-summary").text)
    # Chromium logs the refused sign-in's 401 as an error; it is the one this step expects.
    for entry in driver.get_log("browser"):
        if entry["level"] == "SEVERE" and "/v1/sessions - Failed to load resource" not in entry["message"]:
            failures.append(f"sign-in: browser error: {entry['message'][:300]}")
    # The right one.
    driver.find_element(By.ID, "password").clear()
    driver.find_element(By.ID, "password").send_keys(login["password"] + Keys.ENTER)
    wait_heading("Signed in to")
    if "Newham" not in heading():
        failures.append(f"home: heading '{heading()}'")
    token = driver.execute_script("return sessionStorage.getItem('dps.session')")
    if not token or driver.execute_script("return document.cookie"):
        failures.append("home: the session should be in sessionStorage and no cookie set")
    check_page("02-home")

    driver.find_element(By.LINK_TEXT, "Call-offs").click()
    wait_heading("Call-offs")
    rows = driver.find_elements(By.CSS_SELECTOR, "#view tbody tr")
    if not any(call_off["title"] in r.text for r in rows):
        failures.append(f"call-offs: '{call_off['title']}' not listed ({len(rows)} rows)")
    check_page("03-call-offs")
    driver.find_element(By.LINK_TEXT, call_off["title"]).click()
    wait_heading(call_off["title"])
    details = driver.find_element(By.CSS_SELECTOR, ".govuk-summary-list").text
    for expected in ("draft", "E15", "26"):
        if expected not in details:
            failures.append(f"call-off: '{expected}' not shown in {details!r}")
    check_page("04-call-off")

    driver.find_element(By.LINK_TEXT, "Reports").click()
    wait_heading("spot purchase")
    table_text = driver.find_element(By.CSS_SELECTOR, "#view table").text
    if "total" not in table_text:
        failures.append(f"report: no total row in {table_text!r}")
    check_page("05-report")
    # The CSV download goes through the API with the session's header.
    csv = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('/v1/reports/dps-vs-spot?financial_year=2026', {headers: {Accept: 'text/csv',
              Authorization: 'Bearer ' + sessionStorage.getItem('dps.session')}})
          .then(r => r.arrayBuffer())
          .then(b => done(Array.from(new Uint8Array(b.slice(0, 17))).map(c => String.fromCharCode(c)).join('')))
          .catch(e => done('ERROR ' + e));""")
    if not csv.startswith("\xef\xbb\xbffinancial_year"):  # the byte-order mark Excel needs, then the header
        failures.append(f"report: CSV download began {csv[:40]!r}")

    driver.find_element(By.LINK_TEXT, "Sign out").click()
    wait_heading("Sign in")
    if driver.execute_script("return sessionStorage.getItem('dps.session')"):
        failures.append("sign-out: the token is still in sessionStorage")
    if api("GET", "/v1/me", token)[0] != 401:
        failures.append("sign-out: the session token still works against the API")
    # A page that needs a session, opened without one, asks to sign in.
    driver.get(base + "/app/#/call-offs")
    wait_heading("Sign in")

    # A provider's bidder (an API token in the console's place for a session) bids on the open package.
    driver.execute_script("sessionStorage.setItem('dps.session', arguments[0])", riverside["bidder"])
    driver.get(base + f"/app/#/call-offs/{open_call_off['id']}")
    wait_heading(open_call_off["title"])
    rate = wait.until(EC.visibility_of_element_located((By.ID, "hourly_rate_pence")))
    rate.send_keys("24.505")  # a third decimal: not money
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    summary = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".govuk-error-summary")))
    if summary.find_element(By.TAG_NAME, "a").get_attribute("href").split("#")[-1] != "hourly_rate_pence":
        failures.append(f"bid: the error summary does not link to the rate: {summary.text!r}")
    check_page("06-bid-errors")
    rate.clear()
    rate.send_keys("24.50")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    panel = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".govuk-panel--confirmation")))
    check_page("07-bid-submitted")
    bid_id = int(panel.text.split("Reference ")[1].split(":")[0])
    status, bid = api("GET", f"/v1/bids/{bid_id}", riverside["bidder"])
    if status != 200 or bid["hourly_rate_pence"] != 2450 or bid["hours_per_week"] != 10 or bid["earliest_start"] != "2027-04-07":
        failures.append(f"bid: the API holds {status} {bid}")
    if f"£{bid['total_pence'] / 100:,.2f}" not in panel.text:
        failures.append(f"bid: the panel shows {panel.text!r}, the API's total is {bid['total_pence']} pence")
    # The draft package on the same lot is not offered to providers.
    if api("GET", f"/v1/call-offs/{call_off['id']}", riverside["bidder"])[0] != 404:
        failures.append("bid: a provider could read a draft call-off")
except Exception:
    # Leave the evidence: what the page showed when the step failed.
    driver.save_screenshot(os.path.join(shots, "failure.png"))
    print("console_browser: page at the failure:\n" + driver.find_element(By.TAG_NAME, "main").get_attribute("innerHTML")[:2000],
          file=sys.stderr)
    for entry in driver.get_log("browser"):
        print("console_browser: browser log: " + entry["message"][:300], file=sys.stderr)
    raise
finally:
    driver.quit()

for f in failures:
    print("console_browser: FAIL: " + f, file=sys.stderr)
print(f"console_browser: {len(failures)} problems; screenshots in {shots}")
sys.exit(1 if failures else 0)
