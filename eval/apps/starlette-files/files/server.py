"""A small file server: browse and download shared files, upload new ones, mirror remote files."""
import html
import os

import httpx
from starlette.applications import Starlette
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route

SHARE_ROOT = os.environ.get("SHARE_ROOT", "/srv/share")
UPLOAD_DIR = os.path.join(SHARE_ROOT, "incoming")
MIRROR_BASE = "https://mirror.example.org/pub"


async def browse(request):
    folder = request.query_params.get("dir", "")
    full = os.path.join(SHARE_ROOT, folder)
    rows = "".join(f"<li><a href='/get?f={folder}/{name}'>{name}</a></li>" for name in sorted(os.listdir(full)))
    return HTMLResponse(f"<h1>Index of /{folder}</h1><ul>{rows}</ul>")


async def download(request):
    name = request.query_params["f"]
    return FileResponse(os.path.join(SHARE_ROOT, name))


async def download_safe(request):
    name = request.query_params["f"]
    path = os.path.realpath(os.path.join(SHARE_ROOT, name))
    if not path.startswith(os.path.realpath(SHARE_ROOT) + os.sep):
        return JSONResponse({"error": "not found"}, status_code=404)
    return FileResponse(path)


async def upload(request):
    form = await request.form()
    upload = form["file"]
    dest = os.path.join(UPLOAD_DIR, upload.filename)
    with open(dest, "wb") as out:
        out.write(await upload.read())
    return RedirectResponse(request.query_params.get("next", "/"), status_code=303)


async def upload_done(request):
    name = os.path.basename(request.query_params.get("name", ""))
    return HTMLResponse(f"<p>Uploaded {html.escape(name)}</p><a href='/'>back</a>")


async def mirror(request):
    url = request.query_params["url"]
    async with httpx.AsyncClient(timeout=30) as client:
        resp = await client.get(url)
    target = os.path.join(UPLOAD_DIR, os.path.basename(url))
    with open(target, "wb") as out:
        out.write(resp.content)
    return JSONResponse({"saved": target})


async def mirror_release(request):
    release = request.path_params["release"]
    async with httpx.AsyncClient(timeout=30) as client:
        resp = await client.get(f"{MIRROR_BASE}/{release}/SHA256SUMS")
    return JSONResponse({"sums": resp.text})


async def login_done(request):
    return RedirectResponse("/browse", status_code=303)


app = Starlette(routes=[
    Route("/browse", browse),
    Route("/get", download),
    Route("/get-safe", download_safe),
    Route("/upload", upload, methods=["POST"]),
    Route("/uploaded", upload_done),
    Route("/mirror", mirror, methods=["POST"]),
    Route("/mirror/{release}", mirror_release),
    Route("/login/done", login_done),
])
