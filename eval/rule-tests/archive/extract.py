import shutil
import tarfile
import zipfile


def extract_all(path, dest):
    with tarfile.open(path) as tar:
        # ruleid: archive
        tar.extractall(dest)


def extract_members(path, dest):
    tar = tarfile.open(path, "r:gz")
    for member in tar.getmembers():
        # ruleid: archive
        tar.extract(member, dest)


def unpack(upload, dest):
    # ruleid: archive
    shutil.unpack_archive(upload, dest)


def extract_filtered(path, dest):
    with tarfile.open(path) as tar:
        # ok: archive
        tar.extractall(dest, filter="data")


def extract_checked(path, dest):
    with tarfile.open(path) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and not m.name.startswith(("/", "..")) and ".." not in m.name.split("/")]
        # ok: archive
        tar.extractall(dest, members=members, filter="data")


def list_names(path):
    with tarfile.open(path) as tar:
        # ok: archive
        return tar.getnames()


def zip_extract(path, dest):
    with zipfile.ZipFile(path) as zf:
        # ok: archive
        zf.extractall(dest)
