import urllib.request

import aiohttp
import httpx
import requests
import urllib3
from flask import Flask, request

app = Flask(__name__)
pool = urllib3.PoolManager()
ALLOWED_HOSTS = {"api.github.com", "api.gitlab.com"}
BASE = "https://api.example.com"


@app.route("/fetch")
def fetch():
    url = request.args["url"]
    # ruleid: ssrf
    return requests.get(url, timeout=5).text


@app.route("/fetch2", methods=["POST"])
def fetch2():
    # ruleid: ssrf
    return requests.post(request.json["callback"], json={"ok": True}, timeout=5).text


@app.route("/fetch3")
def fetch3():
    host = request.args["host"]
    # ruleid: ssrf
    return requests.get(f"http://{host}/status", timeout=5).text


@app.route("/fetch4")
def fetch4():
    target = request.args.get("target")
    # ruleid: ssrf
    return requests.request("GET", target, timeout=5).text


@app.route("/httpx")
def via_httpx():
    # ruleid: ssrf
    return httpx.get(request.args["url"], timeout=5).text


@app.route("/httpx-client")
def via_httpx_client():
    url = request.args["url"]
    with httpx.Client(timeout=5) as client:
        # ruleid: ssrf
        return client.get(url).text


@app.route("/urllib3")
def via_urllib3():
    url = request.args["url"]
    # ruleid: ssrf
    return pool.request("GET", url).data


@app.route("/urlopen")
def via_urlopen():
    # ruleid: ssrf
    return urllib.request.urlopen(request.args["url"]).read()


@app.route("/urlopen-req")
def via_urlopen_request():
    req = urllib.request.Request(request.args["url"], headers={"User-Agent": "bot"})
    # ruleid: ssrf
    return urllib.request.urlopen(req).read()


@app.route("/dict", methods=["POST"])
def in_dict():
    params = {"url": request.form["url"], "timeout": 5}
    # ruleid: ssrf
    return requests.get(params["url"], timeout=params["timeout"]).text


@app.route("/kwargs", methods=["POST"])
def in_kwargs():
    opts = {"url": request.form["url"], "timeout": 5}
    # ruleid: ssrf
    return requests.get(**opts).text


async def aio_fetch(request):
    url = request.query["url"]
    async with aiohttp.ClientSession() as session:
        # ruleid: ssrf
        async with session.get(url) as resp:
            return await resp.text()


async def httpx_async(request):
    data = await request.json()
    async with httpx.AsyncClient() as client:
        # ruleid: ssrf
        resp = await client.post(data["webhook"], json={"event": "ping"})
    return resp.status_code


@app.route("/search")
def search():
    q = request.args.get("q", "")
    # ok: ssrf
    return requests.get(BASE + "/search", params={"q": q}, timeout=5).text


@app.route("/repo")
def repo():
    name = request.args["name"]
    # ok: ssrf
    return requests.get(f"https://api.github.com/repos/{name}", timeout=5).text


@app.route("/allowed")
def allowed():
    from urllib.parse import urlparse

    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        return "forbidden", 403
    # ok: ssrf
    return requests.get(url, timeout=5).text


def health():
    # ok: ssrf
    return requests.get("https://status.example.com/health", timeout=5).ok


def internal_constant():
    # ok: ssrf
    return urllib.request.urlopen("https://api.example.com/v1/version").read()
