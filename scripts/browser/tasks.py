#!/usr/bin/env python3
"""An admin's everyday tasks through the dashboard's forms, in a real headless Chromium.

Run by the Swift test BrowserTests.an_admin_does_the_tasks_through_the_forms with:
  WEB_URL, SCREENSHOTS          as for dashboard.py
  ADMIN_EMAIL, OBSERVER_EMAIL, ROOT_EMAIL (a super_admin), PASSWORD
  CLIENT                        the client's name, as the super_admin acts as it
  SINK_URL                      a webhook the test listens on (a Slack channel's URL)
  MACHINES                      host names of the client's machines, comma separated

Each check prints "ok <name>" or "FAIL <name>: <why>"; the exit status is the number of failures.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import common
from common import base, browser, check, external_requests, log_in, shot

machines = os.environ["MACHINES"].split(",")


def submit(driver, form_selector):
    """Clicks the form's submit button and waits for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, form_selector + " button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: old.id != d.find_element(By.TAG_NAME, "html").id)


def fill(driver, name, value):
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def notice(driver):
    found = driver.find_elements(By.CSS_SELECTOR, "p.notice")
    return found[0].text if found else ""


driver = browser()
try:
    log_in(driver, os.environ["ADMIN_EMAIL"], os.environ["PASSWORD"])

    # An alert rule.
    driver.get(base + "/alerts/new")
    fill(driver, "name", "Disk almost full")
    Select(driver.find_element(By.NAME, "metric")).select_by_value("disk")
    fill(driver, "threshold", "90")
    submit(driver, "form[action='/alerts']")
    check("an alert rule is created through its form", "Disk almost full" in driver.page_source and "/alerts" in driver.current_url, driver.page_source[:400])

    # A Slack channel to the test's sink, and a test message through the real notifier.
    driver.get(base + "/notifications/new")
    driver.find_element(By.CSS_SELECTOR, "a[href='/notifications/new?type=webhook_slack']").click()
    WebDriverWait(driver, 15).until(lambda d: "type=webhook_slack" in d.current_url)
    fill(driver, "name", "Ops Slack")
    fill(driver, "webhook_url", os.environ["SINK_URL"])
    submit(driver, "form[action='/notifications']")
    check("a Slack channel is created", "Ops Slack" in driver.page_source, driver.page_source[:400])
    submit(driver, "form[action$='/test']")
    check("its test is delivered and the page says so", "Test delivered" in driver.page_source, driver.page_source[:600])
    shot(driver, "notifications")

    # A user invited: the password is shown once, with a copy button.
    driver.get(base + "/users/new")
    fill(driver, "email", "invited-browser@example.com")
    fill(driver, "first_name", "Ines")
    submit(driver, "form[action='/users']")
    shown = driver.find_elements(By.ID, "temporary-password")
    check("an invited user's password is shown once", len(shown) == 1 and len(shown[0].text) >= 12, driver.page_source[:400])
    shot(driver, "users")

    # A group and a label, then both put on two machines ticked in the list.
    driver.get(base + "/groups/new")
    fill(driver, "name", "Databases")
    submit(driver, "form[action='/groups']")
    driver.get(base + "/labels/new")
    fill(driver, "key", "env")
    submit(driver, "form[action='/labels']")
    driver.get(base + "/machines?sort=hostname")
    for host in machines[:2]:
        driver.find_element(By.CSS_SELECTOR, f"input[form=batch][aria-label$=' {host}']").click()
    Select(driver.find_element(By.ID, "batch-action")).select_by_value("group")
    Select(driver.find_element(By.ID, "batch-group")).select_by_visible_text("Databases")
    submit(driver, "form#batch")
    check("two ticked machines move into the group", "Machines updated." in notice(driver), driver.page_source[:400])
    for host in machines[:2]:
        driver.find_element(By.CSS_SELECTOR, f"input[form=batch][aria-label$=' {host}']").click()
    Select(driver.find_element(By.ID, "batch-action")).select_by_value("label")
    Select(driver.find_element(By.ID, "batch-label")).select_by_visible_text("env")
    fill(driver, "label_value", "prod")
    submit(driver, "form#batch")
    driver.get(base + "/machines?label=env%3Dprod")
    listed = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#machine-rows td a")]
    check("the label is on them: the list filtered by env=prod shows them", sorted(listed) == sorted(machines[:2]), str(listed))
    driver.get(base + "/groups")
    check("the group counts them", driver.find_elements(By.CSS_SELECTOR, "td.num a") and driver.find_elements(By.CSS_SELECTOR, "td.num a")[0].text == "2",
          driver.page_source[:600])
    shot(driver, "groups")

    # A site, a ticked machine moved to it, and the sites compared.
    driver.get(base + "/sites/new")
    fill(driver, "name", "Lyon")
    fill(driver, "location", "Lyon 7e")
    submit(driver, "form[action='/sites']")
    check("a site is created through its form", "Site saved." in notice(driver), driver.page_source[:400])
    driver.get(base + "/machines?sort=hostname")
    driver.find_element(By.CSS_SELECTOR, f"input[form=batch][aria-label$=' {machines[0]}']").click()
    Select(driver.find_element(By.ID, "batch-action")).select_by_value("site")
    Select(driver.find_element(By.ID, "batch-site")).select_by_visible_text("Lyon")
    submit(driver, "form#batch")
    check("a ticked machine moves to the site", "Machines updated." in notice(driver), driver.page_source[:400])
    driver.get(base + "/sites")
    counts = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "td.num a")]
    check("the sites page lists the site with its machine", "Lyon" in driver.page_source and counts == ["1"], str(counts))
    shot(driver, "sites")

    # The Pro pages (the test seeded a day of figures): a monitored database and an application
    # with its probes and a trace, in English, in French and on a phone.
    driver.get(base + "/databases")
    check("a database without an error shows no error badge", driver.find_elements(By.CSS_SELECTOR, "td .pill.critical") == [], driver.page_source[:600])
    driver.find_element(By.LINK_TEXT, "Orders").click()
    WebDriverWait(driver, 15).until(lambda d: "/databases/" in d.current_url)
    check("a monitored database's page shows its charts and slow queries",
          "<svg" in driver.page_source and "customer_id" in driver.page_source and driver.find_elements(By.CSS_SELECTOR, "p.alert") == [],
          driver.page_source[:600])
    shot(driver, "database")
    driver.get(base + "/apm")
    shot(driver, "apm")
    driver.find_element(By.LINK_TEXT, "Shop").click()
    WebDriverWait(driver, 15).until(lambda d: "/apm/" in d.current_url)
    check("an application's page shows its probes and its trace", "<svg" in driver.page_source and "GET /checkout" in driver.page_source,
          driver.page_source[:600])
    shot(driver, "apm-application")
    driver.find_element(By.PARTIAL_LINK_TEXT, "GET /checkout").click()
    WebDriverWait(driver, 15).until(lambda d: "/traces/" in d.current_url)
    check("a trace's waterfall shows its three spans", all(name in driver.page_source for name in ["GET /checkout", "SELECT orders", "POST payments"]),
          driver.page_source[:600])
    shot(driver, "apm-trace")
    pro_pages = ["/databases", driver.current_url.replace(base, ""), "/apm"]
    driver.set_window_size(375, 800)
    for page in pro_pages:
        driver.get(base + page)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(f"375 px wide: {page.split('/traces/')[0]} does not scroll sideways", overflow <= 1, f"{overflow} px too wide")
    shot(driver, "apm-phone")
    driver.set_window_size(1280, 900)
    for page in ["/databases?lang=fr", "/apm"]:
        driver.get(base + page)
        check(f"{page.split('?')[0]} in French", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr", driver.page_source[:300])
        shot(driver, page.split("?")[0].strip("/") + "-fr")
    driver.get(base + "/?lang=en")

    # The daily summary: a wrong time zone refused by its field, then saved.
    driver.get(base + "/settings")
    Select(driver.find_element(By.ID, "summary-hour")).select_by_value("7")
    fill(driver, "timezone", "Mars/Olympus")
    fill(driver, "recipients", "ops@example.com")
    submit(driver, "form[action='/settings/daily-summary']")
    refused = driver.find_elements(By.ID, "summary-timezone-error")
    check("a wrong time zone is refused next to its field", len(refused) == 1 and "IANA" in refused[0].text, driver.page_source[:400])
    fill(driver, "timezone", "Asia/Tokyo")
    submit(driver, "form[action='/settings/daily-summary']")
    check("the daily summary is saved", "Daily summary saved." in notice(driver) and "07:00 <small>(Asia/Tokyo)</small>" in driver.page_source,
          driver.page_source[:600])
    driver.execute_script("document.getElementById('daily-summary').scrollIntoView()")
    shot(driver, "settings-daily-summary")
    check("no request leaves the site", external_requests(driver) == [], str(external_requests(driver)))

    # The same pages in French.
    for page, heading in [("/notifications?lang=fr", "Notifications"), ("/users", "Utilisateurs"), ("/groups", "Groupes"),
                          ("/sites", "Sites"), ("/alerts", None), ("/reports", None), ("/install", None), ("/settings", None), ("/ai", None)]:
        driver.get(base + page)
        french = driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
        check(f"{page.split('?')[0]} in French", french and (heading is None or f"<h1>{heading}</h1>" in driver.page_source), driver.page_source[:300])
        shot(driver, page.split("?")[0].strip("/").replace("/", "-") + "-fr")
    driver.get(base + "/?lang=en")
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(driver, 15).until(lambda d: "/login" in d.current_url)

    # An observer sees the same pages without a form (the AI page's analysis form excepted: the
    # api lets observers run analyses).
    log_in(driver, os.environ["OBSERVER_EMAIL"], os.environ["PASSWORD"])
    for page in ["/alerts", "/notifications", "/users", "/groups", "/labels", "/sites", "/reports", "/machines", "/install", "/settings", "/collection-settings",
                 "/ai/automation", "/ai/reports"]:
        driver.get(base + page)
        forms = driver.find_elements(By.CSS_SELECTOR, "[data-admin-action], form[method=post]:not([action='/logout']), form#batch, input[form=batch]")
        check(f"an observer reads {page} without a form", forms == [] and "<h1>" in driver.page_source, f"{len(forms)} forms")
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(driver, 15).until(lambda d: "/login" in d.current_url)

    # The super_admin acts as the client, sees its machines under the banner, and leaves.
    log_in(driver, os.environ["ROOT_EMAIL"], os.environ["PASSWORD"])
    driver.get(base + "/admin/clients")
    row = driver.find_element(By.XPATH, f"//tr[td/a[text()='{os.environ['CLIENT']}']]")
    row.find_element(By.CSS_SELECTOR, "form[action$='/impersonate'] button").click()
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".acting"))
    banner = driver.find_element(By.CSS_SELECTOR, ".acting").text
    driver.get(base + "/machines")
    hosts = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#machine-rows td a")]
    check("acting as the client: its machines, under the banner", os.environ["CLIENT"] in banner and machines[0] in hosts, banner + " " + str(hosts))
    shot(driver, "acting")
    driver.find_element(By.CSS_SELECTOR, ".acting form[action='/admin/leave'] button").click()
    WebDriverWait(driver, 15).until(lambda d: "/admin/clients" in d.current_url)
    check("leaving goes back to the panel, without the banner", driver.find_elements(By.CSS_SELECTOR, ".acting") == [], driver.current_url)

    # The admin panel's pages, on a phone: none scrolls sideways.
    driver.set_window_size(375, 800)
    for page in ["/admin", "/admin/clients", "/admin/licence-types", "/admin/agent-versions", "/admin/systems", "/admin/certificates",
                 "/admin/activity", "/admin/machines"]:
        driver.get(base + page)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(f"375 px wide: {page} does not scroll sideways", overflow <= 1 and "<h1>" in driver.page_source, f"{overflow} px too wide")
        shot(driver, "admin-" + (page.split("/")[2] if page.count("/") > 1 else "dashboard") + "-phone")
finally:
    driver.quit()

sys.exit(common.failures)
