from flask import Flask, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .auth import check_api_key, check_password

app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app)


# ruleid: rate-limit
@app.route("/login", methods=["POST"])
def login():
    if check_password(request.form["username"], request.form["password"]):
        session["user"] = request.form["username"]
        return "ok"
    return "denied", 401


# ruleid: rate-limit
@app.post("/api/token")
def token():
    if not check_api_key(request.headers.get("X-Api-Key", "")):
        return {"error": "bad key"}, 403
    return {"token": "..."}


# ruleid: rate-limit
@app.route("/reset/verify", methods=["POST"])
def verify_reset_code():
    if request.form["code"] != session.get("reset_code"):
        return "wrong code", 400
    return "ok"


# ok: rate-limit
@app.route("/login2", methods=["POST"])
@limiter.limit("5 per minute")
def login_limited():
    if check_password(request.form["username"], request.form["password"]):
        session["user"] = request.form["username"]
        return "ok"
    return "denied", 401


# ok: rate-limit
@app.route("/about")
def about():
    return "about"
