#!/usr/bin/env python3
"""The dashboard in a real headless Chromium (selenium + Debian's chromium-driver).

Run by the Swift test BrowserTests against a web service and api it started, with:
  WEB_URL          the dashboard, e.g. http://127.0.0.1:40123
  ADMIN_EMAIL, OBSERVER_EMAIL, MFA_EMAIL, PASSWORD, MFA_SECRET (base32), MACHINE (a hostname)
  SCREENSHOTS      where each page's screenshot goes (.local/screenshots)

Each check prints "ok <name>" or "FAIL <name>: <why>"; the exit status is the number of failures.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import common
from common import base, browser, check, external_requests, log_in, shot, totp

driver = browser()
try:
    # A logged-out browser is sent to the login page, which works with the keyboard alone.
    driver.get(base + "/machines")
    check("logged-out browser goes to /login", "/login" in driver.current_url, driver.current_url)
    shot(driver, "login")

    # The status page renders without a session.
    driver.get(base + "/status")
    check("status page without a session", len(driver.find_elements(By.CSS_SELECTOR, ".bars")) >= 3, driver.page_source[:300])
    shot(driver, "status")

    # An admin logs in and sees the overview, then the machine and its chart.
    log_in(driver, os.environ["ADMIN_EMAIL"], os.environ["PASSWORD"])
    check("admin lands on the overview", driver.current_url.rstrip("/") == base and "Overview" in driver.page_source, driver.current_url)
    shot(driver, "overview")
    driver.find_element(By.CSS_SELECTOR, "nav.rail a[href='/alerts']").click()
    WebDriverWait(driver, 15).until(lambda d: d.current_url.endswith("/alerts"))
    check("the alerts page opens from the navigation, with the rule form's link for an admin",
          len(driver.find_elements(By.CSS_SELECTOR, "a[href='/alerts/new']")) == 1, driver.page_source[:300])
    shot(driver, "alerts")
    # The install page: a token made through the form; its commands with the script's copy buttons.
    driver.find_element(By.CSS_SELECTOR, "nav.rail a[href='/install']").click()
    WebDriverWait(driver, 15).until(lambda d: d.current_url.endswith("/install"))
    driver.find_element(By.ID, "name").send_keys("Browser rack")
    driver.find_element(By.CSS_SELECTOR, "form[action='/install/tokens'] button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: len(d.find_elements(By.ID, "install-linux")) == 1)
    copies = [b for b in driver.find_elements(By.CSS_SELECTOR, "button[data-copy]") if b.is_displayed()]
    check("a new install token shows its commands, with copy buttons", len(copies) == 3 and "sudo sh" in driver.find_element(By.ID, "install-linux").text,
          driver.page_source[:500])
    shot(driver, "install-token")
    for page in ["/install", "/settings", "/collection-settings"]:
        driver.get(base + page)
        shot(driver, page.strip("/"))
    driver.get(base + "/machines")
    links = driver.find_elements(By.LINK_TEXT, os.environ["MACHINE"])
    check("the machine is listed", len(links) == 1, driver.page_source[:500])
    if links:
        links[0].click()
        WebDriverWait(driver, 15).until(lambda d: "/machines/" in d.current_url)
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart polyline")
        check("its page draws a chart", len(charts) >= 1, driver.page_source[:500])
        shot(driver, "machine")
        # The facts refresh by themselves: a mark put on the shown card is gone once the script
        # has swapped in the fragment fetched 10 s later, and the new card has the facts.
        driver.execute_script("window.noReload = true; document.querySelector('#machine-facts .card').setAttribute('data-mark', '1')")
        try:
            WebDriverWait(driver, 25).until(lambda d: d.execute_script(
                "var card = document.querySelector('#machine-facts .card'); return card && !card.hasAttribute('data-mark')"))
            refreshed = True
        except Exception:
            refreshed = False
        check("the machine's facts refresh every 10 s without a reload", refreshed and driver.execute_script("return window.noReload === true")
              and len(driver.find_elements(By.CSS_SELECTOR, "#machine-facts dl.facts dd")) >= 8, driver.page_source[:300])
        driver.find_element(By.CSS_SELECTOR, "nav.tabs a[href='?tab=security']").click()
        WebDriverWait(driver, 15).until(lambda d: "tab=security" in d.current_url)
        shot(driver, "machine-security")
    check("no request leaves the site", external_requests(driver) == [], str(external_requests(driver)))

    # On a phone the page fits: no sideways scrolling of the page itself.
    driver.set_window_size(375, 800)
    driver.get(base + "/machines")
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check("375 px wide: the page does not scroll sideways", overflow <= 1, f"{overflow} px too wide")
    shot(driver, "machines-phone")
    for page in ["/install", "/settings", "/collection-settings/new"]:
        driver.get(base + page)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(f"375 px wide: {page} does not scroll sideways", overflow <= 1, f"{overflow} px too wide")
    driver.set_window_size(1280, 900)

    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(driver, 15).until(lambda d: "/login" in d.current_url)
    driver.get(base + "/")
    check("logged out", "/login" in driver.current_url, driver.current_url)

    # An observer finds no admin action (the api refuses them anyway).
    log_in(driver, os.environ["OBSERVER_EMAIL"], os.environ["PASSWORD"])
    driver.get(base + "/machines")
    links = driver.find_elements(By.LINK_TEXT, os.environ["MACHINE"])
    if links:
        links[0].click()
        WebDriverWait(driver, 15).until(lambda d: "/machines/" in d.current_url)
    actions = driver.find_elements(By.CSS_SELECTOR, "[data-admin-action], form[method=post]:not([action='/logout'])")
    shot(driver, "machine-observer")
    check("an observer sees no admin action", links != [] and actions == [], f"{len(links)} links, {len(actions)} actions at {driver.current_url}")
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(driver, 15).until(lambda d: "/login" in d.current_url)

    # MFA: the password, then the code.
    log_in(driver, os.environ["MFA_EMAIL"], os.environ["PASSWORD"])
    check("MFA step asked", "/login/mfa" in driver.current_url, driver.current_url)
    shot(driver, "login-mfa")
    driver.find_element(By.NAME, "code").send_keys(totp(os.environ["MFA_SECRET"]))
    driver.find_element(By.CSS_SELECTOR, "form[action='/login/mfa'] button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: "/login" not in d.current_url)
    check("logged in with MFA", driver.current_url.rstrip("/") == base, driver.current_url)

    # The same pages in French (the switch every page carries; remembered in a cookie).
    driver.get(base + "/?lang=fr")
    check("the overview in French", "Vue d'ensemble" in driver.page_source and driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr",
          driver.page_source[:300])
    shot(driver, "overview-fr")
    driver.get(base + "/status")
    check("the status page in French", "État du service" in driver.page_source, driver.page_source[:300])
    shot(driver, "status-fr")
    driver.get(base + "/machines")
    links = driver.find_elements(By.LINK_TEXT, os.environ["MACHINE"])
    if links:
        links[0].click()
        WebDriverWait(driver, 15).until(lambda d: "/machines/" in d.current_url)
    check("the machine page in French", links != [] and "Graphiques" in driver.page_source and "Dernière synchro de config" in driver.page_source,
          driver.page_source[:300])
    shot(driver, "machine-fr")
    driver.get(base + "/alerts")
    check("the alerts page in French", "Règles d'alerte" in driver.page_source and "Nouvelle règle" in driver.page_source, driver.page_source[:300])
    shot(driver, "alerts-fr")
finally:
    driver.quit()

sys.exit(common.failures)
