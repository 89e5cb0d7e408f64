import os
import re

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from . import db
from .auth import login_required
from .settings import LINK_PREVIEW_TIMEOUT, UPLOADS_DIR

TITLE_RE = re.compile(r"<title>(.*?)</title>", re.I | re.S)


@aiohttp_jinja2.template("index.html")
async def index(request):
    return {"rooms": ["general", "random", "help"]}


@login_required
@aiohttp_jinja2.template("room.html")
async def room(request):
    name = request.match_info["room"]
    messages = await db.room_messages(request.app["db"], name)
    return {"room": name, "messages": messages, "user": request["user"]}


@login_required
async def post(request):
    name = request.match_info["room"]
    data = await request.post()
    await db.post_message(request.app["db"], name, request["user"], data["body"])
    raise web.HTTPSeeOther(f"/rooms/{name}")


@login_required
async def link_preview(request):
    url = request.query["url"]
    timeout = aiohttp.ClientTimeout(total=LINK_PREVIEW_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url, ssl=False) as resp:
            html = await resp.text()
    match = TITLE_RE.search(html)
    return web.json_response({"title": match.group(1).strip() if match else None})


@login_required
async def avatar(request):
    user = request.match_info["user"]
    connector = aiohttp.TCPConnector(verify_ssl=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.get(f"https://gravatar.example.net/avatar/{user}") as resp:
            body = await resp.read()
    return web.Response(body=body, content_type="image/png")


@login_required
async def greet(request):
    name = request.query.get("name", "stranger")
    return web.Response(text=f"<h2>Welcome, {name}!</h2>", content_type="text/html")


@login_required
async def upload(request):
    filename = request.match_info["filename"]
    return web.FileResponse(os.path.join(UPLOADS_DIR, filename))


async def health(request):
    return web.json_response({"ok": True})
