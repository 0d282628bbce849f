"""What the dashboard's browser scripts share: a headless Chromium, checks that print "ok" or
"FAIL", logging in through the form, screenshots.

Environment: WEB_URL (the dashboard) and SCREENSHOTS (where screenshots go).
"""
import base64
import hashlib
import hmac
import os
import struct
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base = os.environ["WEB_URL"].rstrip("/")
shots = os.environ["SCREENSHOTS"]
os.makedirs(shots, exist_ok=True)
failures = 0


def check(name, condition, why=""):
    global failures
    if condition:
        print(f"ok {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL {name}: {why}", flush=True)


def browser(width=1280, height=900):
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                 "--lang=en-GB", "--disable-extensions", "--no-first-run", "--disable-background-networking"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-GB,en"})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def totp(secret):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def external_requests(driver):
    """URLs the page asked for that are not the dashboard's own."""
    seen = []
    for entry in driver.get_log("performance"):
        message = entry.get("message", "")
        if '"Network.requestWillBeSent"' in message:
            start = message.find('"url":"')
            if start >= 0:
                url = message[start + 7:message.find('"', start + 7)]
                if url.startswith("http") and not url.startswith(base):
                    seen.append(url)
    return seen


def log_in(driver, email, password):
    driver.get(base + "/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    # The click returns before the post's answer: wait until the browser has left the form.
    WebDriverWait(driver, 15).until(lambda d: not d.current_url.split("?")[0].endswith("/login"))


def shot(driver, name):
    driver.save_screenshot(os.path.join(shots, name + ".png"))


