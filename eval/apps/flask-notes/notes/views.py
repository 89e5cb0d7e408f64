import base64
import os
import pickle

import requests
import yaml
from flask import (Blueprint, abort, current_app, jsonify, render_template, render_template_string,
                   request, send_file, send_from_directory, session)
from markupsafe import Markup, escape

from . import db

bp = Blueprint("notes", __name__)

NOTE_TEMPLATE = """
<article>
  <h1>{title}</h1>
  <div class="body">{body}</div>
</article>
"""


def current_user_id():
    uid = session.get("user_id")
    if uid is None:
        abort(401)
    return uid


@bp.route("/")
def index():
    prefs = load_prefs()
    notes = db.list_notes(current_user_id(), prefs.get("order", "new"))
    return render_template("index.html", notes=notes)


def load_prefs():
    raw = request.cookies.get("prefs")
    if not raw:
        return {}
    return pickle.loads(base64.b64decode(raw))


@bp.route("/notes/<int:note_id>")
def show(note_id):
    note = db.get_note(note_id)
    if note is None or note["owner_id"] != current_user_id():
        abort(404)
    page = NOTE_TEMPLATE.format(title=note["title"], body=note["body"])
    return render_template_string(page)


@bp.route("/notes/<int:note_id>/raw")
def show_raw(note_id):
    note = db.get_note(note_id)
    if note is None or note["owner_id"] != current_user_id():
        abort(404)
    return render_template("note.html", note=note)


@bp.route("/search")
def search():
    q = request.args.get("q", "")
    results = db.search_notes(current_user_id(), q)
    banner = Markup("<p>Results for <b>%s</b></p>" % q)
    safe_banner = Markup("<p>Results for <b>%s</b></p>") % q
    return render_template("search.html", results=results, banner=banner, safe_banner=safe_banner, q=escape(q))


@bp.route("/notes", methods=["POST"])
def create():
    data = request.get_json(force=True)
    note_id = db.add_note(current_user_id(), data["title"], data["body"])
    return jsonify({"id": note_id}), 201


@bp.route("/notes/import", methods=["POST"])
def import_notes():
    docs = yaml.load(request.data, Loader=yaml.Loader)
    for item in docs.get("notes", []):
        db.add_note(current_user_id(), item["title"], item["body"])
    return jsonify({"imported": len(docs.get("notes", []))})


def load_defaults():
    with open(os.path.join(current_app.root_path, "defaults.yml")) as fh:
        return yaml.safe_load(fh)


@bp.route("/attachments/<path:name>")
def attachment(name):
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], name)


@bp.route("/export")
def export():
    filename = request.args.get("file", "notes.txt")
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], filename)
    return send_file(path, as_attachment=True)


@bp.route("/preview")
def preview():
    url = request.args["url"]
    resp = requests.get(url, timeout=current_app.config["PREVIEW_TIMEOUT"])
    title = resp.text.split("<title>", 1)[-1].split("</title>", 1)[0]
    return jsonify({"title": title[:200]})


@bp.route("/avatar/<username>")
def avatar(username):
    resp = requests.get(
        f"https://avatars.example.com/{username}.png",
        timeout=5,
        verify=False,
    )
    return resp.content, 200, {"Content-Type": "image/png"}
