import jinja2
from flask import Flask, Response, make_response, render_template, render_template_string, request
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: xss
    return render_template_string(f"<h1>Hello {name}</h1>")


@app.route("/hello2")
def hello2():
    name = request.args.get("name", "")
    template = "<h1>Hello %s</h1>" % name
    # ruleid: xss
    return render_template_string(template)


@app.route("/hello3")
def hello3():
    # ruleid: xss
    return render_template_string("<p>" + request.args["msg"] + "</p>")


@app.route("/raw")
def raw():
    name = request.args.get("name", "")
    # ruleid: xss
    return make_response(f"<html><body>Hi {name}</body></html>")


@app.route("/raw2")
def raw2():
    q = request.args.get("q", "")
    # ruleid: xss
    return Response("<b>No results for " + q + "</b>", mimetype="text/html")


@app.route("/markup")
def markup():
    bio = request.args.get("bio", "")
    # ruleid: xss
    return render_template("profile.html", bio=Markup(f"<p>{bio}</p>"))


def make_env():
    # ruleid: xss
    return jinja2.Environment(loader=jinja2.FileSystemLoader("templates"), autoescape=False)


def make_env_default():
    # ruleid: xss
    return jinja2.Environment(loader=jinja2.PackageLoader("app"))


def render_snippet(user_html):
    # ruleid: xss
    return jinja2.Template("<div>{{ body }}</div>").render(body=Markup(user_html))


@app.route("/safe")
def safe():
    name = request.args.get("name", "")
    # ok: xss
    return render_template("hello.html", name=name)


@app.route("/safe2")
def safe2():
    name = request.args.get("name", "")
    # ok: xss
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)


@app.route("/safe3")
def safe3():
    name = request.args.get("name", "")
    # ok: xss
    return f"<h1>Hello {escape(name)}</h1>"


def safe_env():
    # ok: xss
    return jinja2.Environment(loader=jinja2.FileSystemLoader("templates"), autoescape=jinja2.select_autoescape(["html"]))


def safe_markup(name):
    # ok: xss
    return Markup("<b>{}</b>").format(name)


def text_env():
    # ok: xss
    return jinja2.Environment(loader=jinja2.FileSystemLoader("emails"), autoescape=True)
