import ast

from flask import request


def calc():
    expr = request.args["expr"]
    # ruleid: code-exec
    return str(eval(expr))


def run_snippet():
    # ruleid: code-exec
    exec(request.form["code"])


def compiled():
    source = request.form["code"]
    code = compile(source, "<user>", "exec")
    # ruleid: code-exec
    exec(code, {})


def formatted(field):
    # ruleid: code-exec
    return eval(f"record.{field}")


def plugin(path):
    with open(path) as fh:
        # ruleid: code-exec
        exec(fh.read(), {"__name__": "plugin"})


def getter(name):
    # ruleid: code-exec
    return eval("lambda obj: obj." + name)


def dynamic_import():
    # ruleid: code-exec
    module = __import__(request.args["module"])
    return module


def literal():
    # ok: code-exec
    return ast.literal_eval(request.args["value"])


def constant():
    # ok: code-exec
    return eval("2 ** 10")


def safe_lookup(name):
    ops = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b}
    # ok: code-exec
    return ops[name]


def json_value():
    import json

    # ok: code-exec
    return json.loads(request.args["value"])
