import os
import shutil
from pathlib import Path

from django.http import FileResponse
from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOADS = "/srv/app/uploads"
BASE = Path("/srv/app/files")


@app.route("/download")
def download():
    name = request.args["name"]
    # ruleid: path-traversal
    return send_file(os.path.join(UPLOADS, name))


@app.route("/read")
def read():
    # ruleid: path-traversal
    with open(os.path.join(UPLOADS, request.args["file"])) as fh:
        return fh.read()


@app.route("/read2")
def read2():
    name = request.args["file"]
    # ruleid: path-traversal
    return (BASE / name).read_text()


@app.route("/read3")
def read3():
    # ruleid: path-traversal
    return open(UPLOADS + "/" + request.args["file"], "rb").read()


@app.route("/delete", methods=["POST"])
def delete():
    # ruleid: path-traversal
    os.remove(os.path.join(UPLOADS, request.form["name"]))
    return "", 204


@app.route("/copy", methods=["POST"])
def copy():
    src = request.form["src"]
    # ruleid: path-traversal
    shutil.copy(src, "/srv/app/public/")
    return "", 204


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    # ruleid: path-traversal
    f.save(os.path.join(UPLOADS, f.filename))
    return "", 201


def django_download(request):
    # ruleid: path-traversal
    return FileResponse(open(f"/srv/app/reports/{request.GET['report']}", "rb"))


@app.route("/safe1")
def safe1():
    # ok: path-traversal
    return send_from_directory(UPLOADS, request.args["name"])


@app.route("/safe2")
def safe2():
    name = secure_filename(request.args["name"])
    # ok: path-traversal
    return send_file(os.path.join(UPLOADS, name))


@app.route("/safe3")
def safe3():
    name = os.path.basename(request.args["name"])
    # ok: path-traversal
    return open(os.path.join(UPLOADS, name)).read()


@app.route("/safe4")
def safe4():
    target = (BASE / request.args["name"]).resolve()
    if not target.is_relative_to(BASE):
        return "forbidden", 403
    # ok: path-traversal
    return target.read_text()


@app.route("/safe-upload", methods=["POST"])
def safe_upload():
    f = request.files["file"]
    # ok: path-traversal
    f.save(os.path.join(UPLOADS, secure_filename(f.filename)))
    return "", 201


def static_file():
    # ok: path-traversal
    return open(os.path.join(UPLOADS, "index.json")).read()
