import os
import tempfile


def scratch():
    # ruleid: tempfile
    path = tempfile.mktemp()
    with open(path, "w") as fh:
        fh.write("data")
    return path


def scratch_suffix():
    # ruleid: tempfile
    return tempfile.mktemp(suffix=".csv", dir="/var/tmp")


def fixed_tmp(report):
    # ruleid: tempfile
    with open("/tmp/report.csv", "w") as fh:
        fh.write(report)


def fixed_tmp_join(name):
    # ruleid: tempfile
    return os.path.join("/tmp", "cache", name)


def fixed_var_tmp():
    # ruleid: tempfile
    os.makedirs("/var/tmp/app-cache", exist_ok=True)


def fixed_shm():
    # ruleid: tempfile
    return open("/dev/shm/app.lock", "w")


def fstring_tmp(job):
    # ruleid: tempfile
    return open(f"/tmp/job-{job}.log", "a")


def safe_mkstemp():
    # ok: tempfile
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    return path


def safe_named():
    # ok: tempfile
    return tempfile.NamedTemporaryFile(mode="w", delete=False)


def safe_dir():
    # ok: tempfile
    with tempfile.TemporaryDirectory() as d:
        return os.listdir(d)


def safe_gettempdir(name):
    # ok: tempfile
    return os.path.join(tempfile.gettempdir(), name)
