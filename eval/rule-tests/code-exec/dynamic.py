# Code built at run time: eval/exec/compile of values, imports named by requests, `python -c`,
# and template sources taken from requests (server-side template injection).
import importlib
import subprocess
import sys

from flask import Flask, request, render_template_string
from jinja2 import Environment, Template

app = Flask(__name__)

BANNER = "print('ready')"


# ok: code-exec
eval("x = 1; x = x + 2")

blah = "import requests; r = requests.get('https://example.com')"
# ok: code-exec
exec(blah)

dynamic = "import requests; r = requests.get('{}')"
# ruleid: code-exec
eval(dynamic.format("https://example.com"))


def eval_something(something):
    # ruleid: code-exec
    eval(something)


def exec_something(something):
    # ruleid: code-exec
    exec(something)


def compile_param(src):
    # ruleid: code-exec
    return compile(src, "<string>", "exec")


def compile_constant():
    # ok: code-exec
    return compile(BANNER, "<banner>", "exec")


@app.route("/plugin")
def load_plugin():
    # ruleid: code-exec
    mod = importlib.import_module(request.args["name"])
    return mod.run()


@app.route("/plugin2")
def load_plugin_dunder():
    name = request.args.get("name")
    # ruleid: code-exec
    mod = __import__(name)
    return mod.run()


def import_constant():
    # ok: code-exec
    return importlib.import_module("json")


def import_plugin_setting(settings):
    # ok: code-exec
    return importlib.import_module(settings.BACKEND)


@app.route("/calc")
def calc_python():
    expr = request.args["expr"]
    # ruleid: code-exec
    out = subprocess.check_output([sys.executable, "-c", "print(" + expr + ")"])
    return out


def python_c_constant():
    # ok: code-exec
    return subprocess.check_output([sys.executable, "-c", "import sys; print(sys.version)"])


@app.route("/greet")
def greet_ssti():
    # ruleid: code-exec
    return render_template_string(request.args.get("template", "Hello"))


@app.route("/preview", methods=["POST"])
def preview_ssti():
    source = request.form["body"]
    # ruleid: code-exec
    return Template(source).render(user=request.args.get("user"))


@app.route("/mail", methods=["POST"])
def mail_ssti():
    env = Environment()
    # ruleid: code-exec
    tmpl = env.from_string(request.json["template"])
    return tmpl.render()


@app.route("/hello")
def hello_safe():
    # ok: code-exec
    return render_template_string("Hello {{ name }}", name=request.args.get("name"))
