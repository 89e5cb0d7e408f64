import ftplib
import smtplib
import telnetlib
import urllib.request

import requests

STATUS_ENDPOINT = "http://status.internal.example.com/api/v2/report"
LOGIN_URL = "http://accounts.example.com/login"
HTTPS_API = "https://api.example.com/v1"
LOCAL_METRICS = "http://localhost:9100/metrics"
FEED_URL = "http://feeds.example.com/prices.json"


def report(user, password):
    # ruleid: tls
    return requests.post(STATUS_ENDPOINT, auth=(user, password), timeout=5)


def login(username, password):
    # ruleid: tls
    return requests.post(LOGIN_URL, data={"username": username, "password": password}, timeout=5)


def basic_auth_inline(token):
    # ruleid: tls
    return requests.get("http://partner.example.org/export.csv", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def http_basic(user, pw):
    # ruleid: tls
    return requests.get("http://intranet.example.com/report", auth=requests.auth.HTTPBasicAuth(user, pw), timeout=5)


def session_auth_over_http(user, pw):
    s = requests.Session()
    s.auth = (user, pw)
    # ruleid: tls
    return s.get("http://intranet.example.com/api/items", timeout=5)


def legacy_opener(path):
    # ruleid: tls
    opener = urllib.request.URLopener()
    return opener.open("http://downloads.example.com/" + path)


def fancy_opener():
    # ruleid: tls
    opener = urllib.request.FancyURLopener()
    return opener.retrieve("http://downloads.example.com/latest.tar.gz")


def telnet_admin(host, password):
    # ruleid: tls
    tn = telnetlib.Telnet(host, 23)
    tn.read_until(b"Password: ")
    tn.write(password.encode() + b"\n")
    return tn


def ftp_upload(host, user, password, path):
    # ruleid: tls
    ftp = ftplib.FTP(host, user, password)
    with open(path, "rb") as fh:
        ftp.storbinary("STOR backup.tar", fh)


def smtp_plain_login(user, password):
    server = smtplib.SMTP("mail.example.com", 25)
    # ruleid: tls
    server.login(user, password)
    return server


def https_login(username, password):
    # ok: tls
    return requests.post(HTTPS_API + "/login", data={"username": username, "password": password}, timeout=5)


def local_metrics():
    # ok: tls
    return requests.get(LOCAL_METRICS, timeout=2)


def public_page():
    # ruleid: tls
    return requests.get("http://example.com/robots.txt", timeout=5)


def prices():
    # ruleid: tls
    return requests.get(FEED_URL, timeout=5).json()


def urlopen_plain():
    # ruleid: tls
    return urllib.request.urlopen("http://mirror.example.net/releases.json").read()


def urlopen_https():
    # ok: tls
    return urllib.request.urlopen("https://mirror.example.net/releases.json").read()


def ftps_upload(host, user, password, path):
    # ok: tls
    ftp = ftplib.FTP_TLS(host)
    ftp.login(user, password)
    ftp.prot_p()
    with open(path, "rb") as fh:
        ftp.storbinary("STOR backup.tar", fh)


def smtp_starttls(user, password):
    server = smtplib.SMTP("mail.example.com", 587)
    server.starttls()
    # ok: tls
    server.login(user, password)
    return server
