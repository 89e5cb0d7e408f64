"""JSON API next to the file server (FastAPI): thumbnails and share links."""
from pathlib import Path

import httpx
from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

router = APIRouter()
THUMBS = Path("/srv/share/.thumbs")
ALLOWED_SOURCES = {"images.example.org", "cdn.example.org"}


@router.get("/thumb/{name}")
def thumb(name: str):
    return FileResponse(THUMBS / name)


@router.get("/fetch-thumb")
def fetch_thumb(src: str):
    r = httpx.get(src, timeout=10)
    return {"bytes": len(r.content)}


@router.get("/fetch-thumb-safe")
def fetch_thumb_safe(src: str):
    from urllib.parse import urlsplit

    if urlsplit(src).hostname not in ALLOWED_SOURCES:
        raise HTTPException(status_code=400)
    r = httpx.get(src, timeout=10)
    return {"bytes": len(r.content)}


@router.get("/share/{token}", response_class=HTMLResponse)
def share_page(token: str, note: str = ""):
    return f"<html><body><h2>Shared with you</h2><p>{note}</p><a href='/s/{token}'>open</a></body></html>"


@router.get("/go")
def go(to: str):
    return RedirectResponse(url=to)
