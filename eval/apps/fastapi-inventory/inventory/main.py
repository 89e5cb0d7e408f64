import subprocess
from pathlib import Path

import httpx
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from . import db
from .security import create_access_token, get_current_user, new_api_key, verify_password

app = FastAPI(title="Inventory", debug=True)

REPORT_DIR = Path("/srv/inventory/reports")


class Item(BaseModel):
    sku: str
    name: str
    quantity: int
    location: str


class Webhook(BaseModel):
    url: str
    event: str = "stock.low"


@app.post("/token")
def login(form: OAuth2PasswordRequestForm = Depends()):
    row = db.find_user(form.username)
    if row is None or not verify_password(form.password, row["password"]):
        raise HTTPException(status_code=401, detail="Incorrect username or password")
    return {"access_token": create_access_token(form.username), "token_type": "bearer"}


@app.post("/api-keys")
def create_api_key(user: str = Depends(get_current_user)):
    return {"key": new_api_key(), "owner": user}


@app.get("/items")
def list_items(location: str, sku_prefix: str = "", user: str = Depends(get_current_user)):
    return [dict(r) for r in db.find_items(location, sku_prefix)]


@app.post("/items", status_code=201)
def add_item(item: Item, user: str = Depends(get_current_user)):
    return {"id": db.insert_item(item.sku, item.name, item.quantity, item.location)}


@app.get("/items/{item_id}/label", response_class=HTMLResponse)
def item_label(item_id: int):
    row = db.get_item(item_id)
    if row is None:
        raise HTTPException(status_code=404)
    return f"<html><body><h1>{row['name']}</h1><p>SKU {row['sku']} at {row['location']}</p></body></html>"


@app.get("/stats/low-stock")
def low_stock():
    return {"count": db.low_stock_count()}


@app.get("/reports")
def download_report(name: str = Query(...), user: str = Depends(get_current_user)):
    return FileResponse(REPORT_DIR / name)


@app.get("/reports/safe")
def download_report_safe(name: str = Query(...), user: str = Depends(get_current_user)):
    target = (REPORT_DIR / name).resolve()
    if not target.is_relative_to(REPORT_DIR):
        raise HTTPException(status_code=400)
    return FileResponse(target)


@app.post("/webhooks/test")
async def test_webhook(hook: Webhook, user: str = Depends(get_current_user)):
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.post(hook.url, json={"event": hook.event, "test": True})
    return {"status": resp.status_code}


@app.get("/diagnostics/ping")
def ping(host: str, user: str = Depends(get_current_user)):
    out = subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True, text=True)
    return {"output": out.stdout}


@app.get("/diagnostics/trace")
def trace(host: str, user: str = Depends(get_current_user)):
    out = subprocess.run(["traceroute", "-m", "10", "--", host], capture_output=True, text=True)
    return {"output": out.stdout}


@app.get("/diagnostics/uptime")
def uptime():
    out = subprocess.run("uptime", shell=True, capture_output=True, text=True)
    return {"uptime": out.stdout.strip()}
