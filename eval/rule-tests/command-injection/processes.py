# Commands the way rule tests write them: constants (quiet), values from parameters, calls and
# requests, the asyncio and os.spawn/exec families, remote shells, `sh -c`.
import asyncio
import commands
import os
import shlex
import subprocess

import paramiko
from flask import request
from somewhere import something

# ok: command-injection
os.system("ls -al")
# ok: command-injection
os.popen("cat contents.txt")
# ruleid: command-injection
os.system(something())
# ruleid: command-injection
os.popen(something())
# ruleid: command-injection
os.popen2(something())


def lambda_handler(event, context):
    # ruleid: command-injection
    os.system(f"ls -la {event['dir']}")


def run_param(cmd):
    # ruleid: command-injection
    subprocess.run(cmd, shell=True)


def run_constant_shell():
    # ok: command-injection
    subprocess.call("ls -la | wc -l", shell=True)


def run_quoted(path):
    # ok: command-injection
    subprocess.call("ls -la " + shlex.quote(path), shell=True)


def run_shell_false(path):
    # ok: command-injection
    subprocess.call(["ls", "-la", path], shell=False)


def run_sh_c(user_cmd):
    # ruleid: command-injection
    subprocess.Popen(["/bin/bash", "-c", user_cmd])


def run_sh_c_constant():
    # ok: command-injection
    subprocess.Popen(["/bin/sh", "-c", "echo ready > /tmp/ready"])


async def asyncio_shell():
    cmd = request.args.get("cmd")
    # ruleid: command-injection
    proc = await asyncio.create_subprocess_shell(cmd)
    return await proc.wait()


async def loop_shell(host):
    loop = asyncio.get_running_loop()
    # ruleid: command-injection
    return await loop.subprocess_shell(asyncio.SubprocessProtocol, f"ping -c 1 {host}")


async def asyncio_exec_bash(script):
    # ruleid: command-injection
    return await asyncio.create_subprocess_exec("bash", "-c", script)


async def asyncio_exec_args(host):
    # ok: command-injection
    return await asyncio.create_subprocess_exec("ping", "-c", "1", host)


def spawn_var(prog):
    # ruleid: command-injection
    os.spawnlp(os.P_WAIT, prog, prog)


def spawn_constant():
    # ok: command-injection
    os.spawnlp(os.P_WAIT, "ls", "ls", "-l")


def execl_shell(cmd):
    # ruleid: command-injection
    os.execl("/bin/sh", "sh", "-c", cmd)


def remote(host, user, path):
    client = paramiko.SSHClient()
    client.connect(host, username=user)
    # ruleid: command-injection
    client.exec_command("ls -la " + path)


def remote_constant(client):
    # ok: command-injection
    client.exec_command("uptime")


def legacy_commands(path):
    # ruleid: command-injection
    return commands.getoutput("du -sh %s" % path)


def getoutput_constant():
    # ok: command-injection
    return subprocess.getoutput("uname -a")


def check_output_format():
    host = request.form["host"]
    # ruleid: command-injection
    return subprocess.check_output("nslookup {}".format(host), shell=True)
