import os
import stat
from pathlib import Path


def share(path):
    # ruleid: permissions
    os.chmod(path, 0o777)


def writable(path):
    # ruleid: permissions
    os.chmod(path, 0o666)


def with_stat(path):
    # ruleid: permissions
    os.chmod(path, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)


def world_writable_bit(path):
    # ruleid: permissions
    os.chmod(path, os.stat(path).st_mode | stat.S_IWOTH)


def decimal_mode(path):
    # ruleid: permissions
    os.chmod(path, 511)


def pathlib_mode(p: Path):
    # ruleid: permissions
    p.chmod(0o777)


def private(path):
    # ok: permissions
    os.chmod(path, 0o600)


def script(path):
    # ok: permissions
    os.chmod(path, 0o755)


def public_file(path):
    # ok: permissions
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
