# Plain-HTTP URLs and disabled checks across the HTTP clients, in the shapes rule tests use:
# literals in the call, URLs held in a local name first (labelled where the URL is written),
# sessions, with-blocks, the legacy urllib openers, aiohttp, urllib3 and http.client.
import asyncio
import http.client
import ssl
import urllib.request
from urllib.request import OpenerDirector, URLopener, FancyURLopener, build_opener, urlopen, urlretrieve

import aiohttp
import httpx
import requests
import urllib3

PARTNER_API = "http://partner.example.net/v2"


def session_literal():
    session = requests.Session()
    # ruleid: tls
    return session.get("http://example.com/feed", timeout=5)


def session_in_with():
    with requests.Session() as session:
        # ruleid: tls
        return session.post("http://example.com/collect", json={"a": 1}, timeout=5)


def session_held_url():
    session = requests.Session()
    # ruleid: tls
    url = "http://example.com/items"
    return session.get(url, timeout=5)


def requests_held_url():
    # ruleid: tls
    url = "http://example.com/export.csv"
    return requests.get(url, timeout=5)


def requests_session_inline():
    # ruleid: tls
    return requests.Session().put("http://example.com/state", data=b"x", timeout=5)


def held_url_with_auth(user, password):
    # ruleid: tls
    bad_url = "http://www.example.org/private"
    return requests.get(bad_url, auth=(user, password), timeout=5)


def held_https_url(user, password):
    # ok: tls
    good_url = "https://www.example.org/private"
    return requests.get(good_url, auth=(user, password), timeout=5)


def localhost_session():
    session = requests.Session()
    # ok: tls
    url = "http://localhost:8080/health"
    return session.get(url, timeout=5)


def module_constant():
    # ruleid: tls
    return requests.get(PARTNER_API + "/orders", timeout=5)


def urlopen_literal():
    # ruleid: tls
    return urlopen("http://example.com/index.json").read()


def urlopen_held():
    # ruleid: tls
    url = "http://example.com/index.json"
    return urlopen(url).read()


def urlopen_ftp():
    # ruleid: tls
    return urllib.request.urlopen("ftp://ftp.example.com/pub/file.txt").read()


def urlopen_https_constant():
    # ok: tls
    return urllib.request.urlopen("https://pypi.org/simple/").read()


def urlretrieve_http():
    # ruleid: tls
    urlretrieve("http://downloads.example.com/tool.tar.gz", "/srv/tool.tar.gz")


def request_object_http():
    # ruleid: tls
    req = urllib.request.Request("http://example.com/api", method="POST")
    return urlopen(req)


def opener_director():
    od = OpenerDirector()
    # ruleid: tls
    return od.open("http://example.com/page")


def build_opener_http():
    opener = build_opener()
    # ruleid: tls
    return opener.open("http://example.com/page")


def urlopener_open():
    # ruleid: tls
    return URLopener().open("http://example.com/a.txt")


def urlopener_retrieve_https():
    # ruleid: tls
    opener = URLopener()
    return opener.retrieve("https://example.com/a.txt")


def fancy_urlopener_https():
    # ruleid: tls
    opener = FancyURLopener()
    return opener.open("https://example.com/b.txt")


def opener_https():
    od = OpenerDirector()
    # ok: tls
    return od.open("https://example.com/page")


def httpx_client_http():
    with httpx.Client() as client:
        # ruleid: tls
        return client.get("http://example.com/status")


def httpx_base_url():
    # ruleid: tls
    return httpx.Client(base_url="http://api.example.com")


async def aiohttp_http():
    async with aiohttp.ClientSession() as session:
        # ruleid: tls
        async with session.get("http://example.com/data") as resp:
            return await resp.json()


async def aiohttp_https():
    async with aiohttp.ClientSession() as session:
        # ok: tls
        async with session.get("https://example.com/data") as resp:
            return await resp.json()


async def aiohttp_connector_ssl_false(url):
    # ruleid: tls
    conn = aiohttp.TCPConnector(ssl=False)
    async with aiohttp.ClientSession(connector=conn) as session:
        return await session.get(url)


async def aiohttp_request_verify_ssl(url):
    async with aiohttp.ClientSession() as session:
        # ruleid: tls
        return await session.post(url, data=b"x", verify_ssl=False)


async def aiohttp_inline_connector(url):
    # ruleid: tls
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(verify_ssl=False)) as session:
        return await session.get(url)


async def aiohttp_request_fn(url):
    # ruleid: tls
    async with aiohttp.request("GET", url, ssl=False) as resp:
        return await resp.read()


async def aiohttp_ssl_context(url):
    ctx = ssl.create_default_context(cafile="/etc/ssl/internal.pem")
    async with aiohttp.ClientSession() as session:
        # ok: tls
        return await session.get(url, ssl=ctx)


def httpx_async_verify_false():
    # ruleid: tls
    return httpx.AsyncClient(verify=False)


def urllib3_pool_http():
    pool = urllib3.PoolManager()
    # ruleid: tls
    return pool.request("GET", "http://example.com/data.json")


def urllib3_cert_optional():
    # ruleid: tls
    return urllib3.PoolManager(cert_reqs="CERT_OPTIONAL")


def urllib3_cert_optional_constant(url):
    # ruleid: tls
    return urllib3.connection_from_url(url, cert_reqs=ssl.CERT_OPTIONAL)


def urllib3_proxy_cert_none(proxy):
    # ruleid: tls
    return urllib3.ProxyManager(proxy, cert_reqs="NONE")


def urllib3_https_pool_cert_none(host):
    # ruleid: tls
    return urllib3.HTTPSConnectionPool(host, 443, cert_reqs="CERT_NONE", assert_hostname=False)


def urllib3_required():
    # ok: tls
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED")


def disable_warnings_requests():
    # ruleid: tls
    requests.packages.urllib3.disable_warnings()


def plain_connection():
    # ruleid: tls
    conn = http.client.HTTPConnection("api.example.com")
    conn.request("GET", "/")
    return conn.getresponse()


def plain_connection_local():
    # ok: tls
    conn = http.client.HTTPConnection("localhost", 8080)
    conn.request("GET", "/")
    return conn.getresponse()


def https_connection_unverified(host):
    # ruleid: tls
    conn = http.client.HTTPSConnection(host, context=ssl._create_unverified_context())
    return conn


def context_check_hostname_only():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # ruleid: tls
    ctx.check_hostname = False
    return ctx


def weak_ciphers():
    ctx = ssl.create_default_context()
    # ruleid: tls
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


def strong_ciphers():
    ctx = ssl.create_default_context()
    # ok: tls
    ctx.set_ciphers("ECDHE+AESGCM:!aNULL:!MD5:!RC4")
    return ctx


def server_optional_client_certs():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # ok: tls
    ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


async def smtp_over_tls():
    # ok: tls
    return await asyncio.open_connection("smtp.example.com", 465, ssl=True)
