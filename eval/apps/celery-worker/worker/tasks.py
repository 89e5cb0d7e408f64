import hashlib
import logging
import os
import random
import shutil
import smtplib
import subprocess
import tarfile
import tempfile
import time
import urllib.request
from email.mime.text import MIMEText
from xml.dom import minidom

import paramiko
import requests
import yaml

from .celery import app

log = logging.getLogger(__name__)

STORAGE = "/srv/worker/storage"
SUPPLIER_FEED = "https://supplier.example.com/stock.json"
REPORT_SENDER = "reports@example.com"
SMTP_PASSWORD = "Rep0rts!2023"


@app.task(bind=True, max_retries=5)
def convert_document(self, path, fmt="pdf"):
    cmd = "libreoffice --headless --convert-to %s --outdir %s %s" % (fmt, STORAGE, path)
    code = subprocess.call(cmd, shell=True)
    if code != 0:
        delay = 2 ** self.request.retries + random.random()
        raise self.retry(countdown=delay)
    return os.path.splitext(path)[0] + "." + fmt


@app.task
def fetch_feed(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        data = resp.read()
    doc = minidom.parseString(data)
    items = [n.firstChild.data for n in doc.getElementsByTagName("title") if n.firstChild]
    return items[:50]


@app.task
def import_bundle(bundle_url):
    resp = requests.get(bundle_url, timeout=30)
    resp.raise_for_status()
    fd, tmp = tempfile.mkstemp(suffix=".tar.gz")
    with os.fdopen(fd, "wb") as fh:
        fh.write(resp.content)
    dest = os.path.join(STORAGE, "bundles", hashlib.md5(bundle_url.encode()).hexdigest())
    with tarfile.open(tmp) as tar:
        tar.extractall(dest)
    os.remove(tmp)
    return dest


@app.task
def render_thumbnail(path):
    out = tempfile.mktemp(suffix=".png")
    subprocess.run(["convert", path, "-thumbnail", "200x200", out], check=True)
    os.chmod(out, 0o777)
    shutil.move(out, os.path.join(STORAGE, "thumbs", os.path.basename(out)))


@app.task
def sync_stock():
    resp = requests.get(SUPPLIER_FEED, timeout=20, verify=False)
    for row in resp.json():
        log.info("stock %s=%s", row["sku"], row["quantity"])


@app.task
def apply_pricing_rules(rules_yaml, price):
    rules = yaml.unsafe_load(rules_yaml)
    for rule in rules:
        if eval(rule["when"], {"price": price}):
            price = price * rule["factor"]
    return price


def load_worker_settings(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.SafeLoader)


@app.task
def restart_service(host, service):
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, username="deploy", key_filename="/etc/worker/deploy_key")
    try:
        _, stdout, _ = client.exec_command(f"sudo systemctl restart {service}")
        return stdout.read().decode()
    finally:
        client.close()


@app.task
def send_report(recipient, body):
    msg = MIMEText(body)
    msg["Subject"] = "Nightly report"
    msg["From"] = REPORT_SENDER
    msg["To"] = recipient
    with smtplib.SMTP_SSL("smtp.example.com", 465) as smtp:
        smtp.login(REPORT_SENDER, SMTP_PASSWORD)
        smtp.sendmail(REPORT_SENDER, [recipient], msg.as_string())
    time.sleep(1)
