import aiohttp_jinja2
import jinja2
from aiohttp import web
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

api = FastAPI()


def setup(app):
    # ruleid: xss
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("templates"), autoescape=False)


def setup_safe(app):
    # ok: xss
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("templates"))


async def hello(request):
    name = request.query.get("name", "")
    # ruleid: xss
    return web.Response(text=f"<p>Hello {name}</p>", content_type="text/html")


async def hello_text(request):
    name = request.query.get("name", "")
    # ok: xss
    return web.Response(text=f"Hello {name}", content_type="text/plain")


@api.get("/card", response_class=HTMLResponse)
def card(title: str):
    # ruleid: xss
    return f"<div class='card'><h2>{title}</h2></div>"


@api.get("/card2")
def card2(title: str):
    # ruleid: xss
    return HTMLResponse(content="<h2>" + title + "</h2>")


@api.get("/card3")
def card3(title: str):
    # ok: xss
    return {"title": title}
