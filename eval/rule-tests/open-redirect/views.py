from urllib.parse import urlparse

from aiohttp import web
from django.http import HttpResponseRedirect
from django.shortcuts import redirect as django_redirect
from django.utils.http import url_has_allowed_host_and_scheme
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
api = FastAPI()


@app.route("/go")
def go():
    # ruleid: open-redirect
    return redirect(request.args["next"])


@app.route("/go2")
def go2():
    target = request.args.get("url", "/")
    # ruleid: open-redirect
    return redirect(target)


@app.route("/go3", methods=["POST"])
def go3():
    # ruleid: open-redirect
    return redirect(request.form.get("return_to") or url_for("index"))


def django_go(request):
    # ruleid: open-redirect
    return HttpResponseRedirect(request.GET["next"])


def django_go2(request):
    # ruleid: open-redirect
    return django_redirect(request.POST.get("next", "/"))


async def aio_go(request):
    # ruleid: open-redirect
    raise web.HTTPFound(request.query["to"])


@api.get("/callback")
def callback(redirect_uri: str):
    # ruleid: open-redirect
    return RedirectResponse(url=redirect_uri)


@app.route("/safe1")
def safe1():
    # ok: open-redirect
    return redirect(url_for("index"))


@app.route("/safe2")
def safe2():
    target = request.args.get("next", "/")
    if urlparse(target).netloc:
        target = "/"
    # ok: open-redirect
    return redirect(target)


def django_safe(request):
    nxt = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    # ok: open-redirect
    return HttpResponseRedirect(nxt)


def django_named(request):
    # ok: open-redirect
    return django_redirect("dashboard")


@app.route("/safe3")
def safe3():
    # ok: open-redirect
    return redirect("/login")
