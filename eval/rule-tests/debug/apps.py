import os

from aiohttp import web
from fastapi import FastAPI
from flask import Flask
from starlette.applications import Starlette
from werkzeug.serving import run_simple

app = Flask(__name__)

# ruleid: debug
app.debug = True
# ruleid: debug
app.config["DEBUG"] = True
# ruleid: debug
api = FastAPI(title="api", debug=True)
# ruleid: debug
star = Starlette(debug=True, routes=[])
# ruleid: debug
aio = web.Application(debug=True)


def serve():
    # ruleid: debug
    app.run(host="127.0.0.1", port=8000, debug=True)


def serve_werkzeug():
    # ruleid: debug
    run_simple("127.0.0.1", 5000, app, use_debugger=True, use_reloader=True)


def serve_env():
    # ok: debug
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")


def serve_plain():
    # ok: debug
    app.run(host="127.0.0.1", port=8000)


# ok: debug
prod_api = FastAPI(title="api")
# ok: debug
app.config["DEBUG"] = False
