import socket

import uvicorn
from flask import Flask

app = Flask(__name__)


def serve():
    # ruleid: bind-all
    app.run(host="0.0.0.0", port=8000)


def serve_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # ruleid: bind-all
    s.bind(("0.0.0.0", 9000))
    return s


def serve_uvicorn():
    # ruleid: bind-all
    uvicorn.run("app:api", host="0.0.0.0", port=8080)


def serve_empty():
    s = socket.socket()
    # ruleid: bind-all
    s.bind(("", 9001))
    return s


def serve_local():
    # ok: bind-all
    app.run(host="127.0.0.1", port=8000)


def serve_local_socket():
    s = socket.socket()
    # ok: bind-all
    s.bind(("localhost", 9002))
    return s
