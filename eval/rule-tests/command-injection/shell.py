import asyncio
import os
import shlex
import subprocess

import paramiko
from flask import request

BUILD_CMD = "make -C /srv/app build"
CLEANUP = ["rm", "-rf", "/srv/app/cache"]


def ping(host):
    # ruleid: command-injection
    os.system("ping -c 1 " + host)


def ping_fstring(host):
    # ruleid: command-injection
    return os.popen(f"ping -c 1 {host}").read()


def lookup():
    domain = request.args["domain"]
    # ruleid: command-injection
    return subprocess.check_output("nslookup %s" % domain, shell=True)


def convert(src, dst):
    # ruleid: command-injection
    subprocess.call("convert {} {}".format(src, dst), shell=True)


def archive(name):
    # ruleid: command-injection
    subprocess.Popen(f"tar czf /backups/{name}.tgz /srv/data", shell=True)


def run_user_cmd():
    # ruleid: command-injection
    subprocess.run(["sh", "-c", request.form["cmd"]])


def run_bash(script):
    # ruleid: command-injection
    subprocess.run(["bash", "-c", "echo " + script], check=True)


async def async_shell(path):
    # ruleid: command-injection
    proc = await asyncio.create_subprocess_shell(f"du -sh {path}")
    return await proc.communicate()


def remote(client: paramiko.SSHClient, service):
    # ruleid: command-injection
    client.exec_command("systemctl status " + service)


def spawn(prog):
    # ruleid: command-injection
    os.execvp("sh", ["sh", "-c", prog])


def wildcard(folder):
    os.chdir(folder)
    # ruleid: command-injection
    os.system("tar cf /backups/all.tar *")


def shell_var():
    cmd = "grep -r " + request.args["pattern"] + " /srv/logs"
    # ruleid: command-injection
    return subprocess.check_output(cmd, shell=True)


def constant_system():
    # ok: command-injection
    os.system("clear")


def constant_shell():
    # ok: command-injection
    subprocess.run("make -C /srv/app build", shell=True, check=True)


def constant_held_in_name():
    # ok: command-injection
    subprocess.run(BUILD_CMD, shell=True, check=True)


def constant_list():
    # ok: command-injection
    subprocess.run(CLEANUP, check=True)


def list_args(host):
    # ok: command-injection
    return subprocess.run(["ping", "-c", "1", host], capture_output=True).stdout


def quoted(host):
    # ok: command-injection
    return subprocess.check_output("ping -c 1 " + shlex.quote(host), shell=True)


def constant_popen():
    # ok: command-injection
    return os.popen("uptime").read()


def exec_list(args):
    # ok: command-injection
    return subprocess.check_output(["git", "log", "--oneline", "--", *args])
