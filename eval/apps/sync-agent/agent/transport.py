"""HTTP and TLS plumbing: one aiohttp session per run, a urllib3 pool for the warehouse."""
import ssl

import aiohttp
import urllib3

from . import settings


def warehouse_pool():
    # the warehouse uses a certificate from its own CA; nobody installed it on the agents
    return urllib3.PoolManager(cert_reqs="CERT_NONE", num_pools=4)


def partner_connector():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return aiohttp.TCPConnector(ssl=ctx, limit=8)


def legacy_device_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


def modern_context():
    ctx = ssl.create_default_context(cafile="/etc/sync-agent/ca.pem")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


async def fetch_orders(session: aiohttp.ClientSession, token, since):
    url = settings.PARTNER_API + "/orders"
    async with session.get(url, headers={"Authorization": f"Bearer {token}"}, params={"since": since}) as resp:
        return await resp.json()


async def push_stock(session: aiohttp.ClientSession, sku, qty):
    async with session.post(settings.WAREHOUSE_URL + "/stock", json={"sku": sku, "qty": qty}, ssl=False) as resp:
        return resp.status


async def probe_status():
    async with aiohttp.ClientSession() as session:
        async with session.get(settings.STATUS_PAGE) as resp:
            return resp.status


def fetch_price_list(pool):
    feed = "http://feeds.partner-logistics.com/prices.csv"
    return pool.request("GET", feed).data
