import ssl
import urllib.request

import aiohttp
import httpx
import requests
import urllib3


def fetch_no_verify(url):
    # ruleid: tls
    return requests.get(url, verify=False, timeout=10)


def post_no_verify(url, data):
    # ruleid: tls
    return requests.post(url, data=data, verify=False, timeout=10)


def session_no_verify():
    s = requests.Session()
    # ruleid: tls
    s.verify = False
    return s


def httpx_no_verify(url):
    # ruleid: tls
    return httpx.get(url, verify=False)


def httpx_client_no_verify():
    # ruleid: tls
    return httpx.Client(verify=False, timeout=5)


async def aiohttp_ssl_false(url):
    async with aiohttp.ClientSession() as session:
        # ruleid: tls
        async with session.get(url, ssl=False) as resp:
            return await resp.text()


async def aiohttp_verify_ssl_false(url):
    # ruleid: tls
    connector = aiohttp.TCPConnector(verify_ssl=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.get(url) as resp:
            return await resp.read()


def unverified_context(url):
    # ruleid: tls
    ctx = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=ctx)


def no_hostname_check():
    ctx = ssl.create_default_context()
    # ruleid: tls
    ctx.check_hostname = False
    # ruleid: tls
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def cert_optional(sock):
    # ruleid: tls
    return ssl.wrap_socket(sock, cert_reqs=ssl.CERT_OPTIONAL, ssl_version=ssl.PROTOCOL_TLS)


def cert_none_pool():
    # ruleid: tls
    return urllib3.PoolManager(cert_reqs="CERT_NONE")


def cert_none_constant_pool():
    # ruleid: tls
    return urllib3.PoolManager(cert_reqs=ssl.CERT_NONE)


def silence_warnings():
    # ruleid: tls
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def global_unverified():
    # ruleid: tls
    ssl._create_default_https_context = ssl._create_unverified_context


def verify_with_bundle(url):
    # ok: tls
    return requests.get(url, verify="/etc/ssl/certs/internal-ca.pem", timeout=10)


def verify_default(url):
    # ok: tls
    return httpx.get(url, timeout=5)


def verify_true(url):
    # ok: tls
    return requests.get(url, verify=True, timeout=10)


def client_with_ca():
    # ok: tls
    return httpx.Client(verify=ssl.create_default_context(cafile="/etc/ssl/ca.pem"))


def pool_required():
    # ok: tls
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs="/etc/ssl/certs/ca-certificates.crt")


def strict_context():
    ctx = ssl.create_default_context()
    # ok: tls
    ctx.verify_mode = ssl.CERT_REQUIRED
    # ok: tls
    ctx.check_hostname = True
    return ctx
