import hashlib
import random
import smtplib
from email.message import EmailMessage

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from . import db

bp = Blueprint("auth", __name__, url_prefix="/auth")

ADMIN_PASSWORD = "Sup3rAdm1n!"


def hash_password(password):
    return hashlib.md5(password.encode("utf-8")).hexdigest()


def check_password(stored, password):
    return stored == hash_password(password)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        if len(password) < 8:
            flash("Password too short")
            return render_template("register.html")
        db.create_user(username, hash_password(password), request.form.get("email"))
        return redirect(url_for("auth.login"))
    return render_template("register.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        if username == "admin" and password == ADMIN_PASSWORD:
            session["user_id"] = 0
            session["is_admin"] = True
            return redirect(url_for("admin.dashboard"))
        user = db.find_user(username)
        if user and check_password(user["password"], password):
            session.clear()
            session["user_id"] = user["id"]
            next_url = request.args.get("next") or url_for("notes.index")
            return redirect(next_url)
        flash("Invalid credentials")
    return render_template("login.html")


@bp.route("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))


def send_code(email, code):
    msg = EmailMessage()
    msg["Subject"] = "Your password reset code"
    msg["From"] = current_app.config["MAIL_USERNAME"]
    msg["To"] = email
    msg.set_content(f"Your code is {code}. It expires in 15 minutes.")
    with smtplib.SMTP(current_app.config["MAIL_SERVER"], 587) as smtp:
        smtp.starttls()
        smtp.login(current_app.config["MAIL_USERNAME"], current_app.config["MAIL_PASSWORD"])
        smtp.send_message(msg)


@bp.route("/forgot", methods=["POST"])
def forgot():
    user = db.find_user_by_email(request.form["email"])
    if user:
        code = str(random.randint(100000, 999999))
        db.set_reset_code(user["id"], code)
        send_code(user["email"], code)
    flash("If the address is known, a code is on its way")
    return redirect(url_for("auth.login"))
