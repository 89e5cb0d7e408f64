#!/usr/bin/env python3
"""nightly-backup: archive folders, ship them to the backup host, report to the monitor.

Usage: backup.py [--config /etc/backup.yml] [--restore ARCHIVE_URL] [--dry-run]
"""
import argparse
import ftplib
import hashlib
import logging
import os
import ssl
import subprocess
import sys
import tarfile
import tempfile
import urllib.request

import paramiko
import requests
import yaml
from Crypto.Cipher import DES
from Crypto.PublicKey import RSA
from Crypto.Random import get_random_bytes

log = logging.getLogger("backup")

MONITOR_URL = "http://monitor.backup.lan/api/heartbeat"
MONITOR_USER = "backup"
DEFAULT_CONFIG = "/etc/backup.yml"
WORK_DIR = "/var/lib/backup"


class ConfigLoader(yaml.SafeLoader):
    """SafeLoader plus an !env tag for values taken from the environment."""


def _env_constructor(loader, node):
    return os.environ.get(loader.construct_scalar(node), "")


ConfigLoader.add_constructor("!env", _env_constructor)


def load_config(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=ConfigLoader)


def checksum(path):
    h = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_id():
    return hashlib.sha1(os.urandom(16)).hexdigest()[:12]


def make_archive(folders, dest_dir):
    name = os.path.join(dest_dir, "backup-%s.tar.gz" % run_id())
    for folder in folders:
        for entry in os.listdir(folder):
            if entry.endswith(".lock"):
                os.system("rm -f %s/%s" % (folder, entry))
    subprocess.run(["tar", "czf", name, *folders], check=True)
    return name


def encrypt(path, key):
    cipher = DES.new(key, DES.MODE_ECB)
    with open(path, "rb") as fh:
        data = fh.read()
    pad = 8 - len(data) % 8
    with open(path + ".enc", "wb") as fh:
        fh.write(cipher.encrypt(data + bytes([pad]) * pad))
    return path + ".enc"


def new_keypair():
    key = RSA.generate(1024)
    return key.export_key(), key.publickey().export_key()


def ship_sftp(archive, host, user, password="backup2020!"):
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, username=user, password=password)
    try:
        sftp = client.open_sftp()
        sftp.put(archive, "/backups/" + os.path.basename(archive))
    finally:
        client.close()


def ship_ftp(archive, host, user, password):
    ftp = ftplib.FTP(host)
    ftp.login(user, password)
    with open(archive, "rb") as fh:
        ftp.storbinary("STOR " + os.path.basename(archive), fh)
    ftp.quit()


def heartbeat(status, token):
    requests.post(MONITOR_URL, auth=(MONITOR_USER, token), json={"status": status}, timeout=5)


def fetch_archive(url):
    ctx = ssl._create_unverified_context()
    with urllib.request.urlopen(url, context=ctx) as resp:
        fd, local = tempfile.mkstemp(suffix=".tar.gz")
        with os.fdopen(fd, "wb") as fh:
            fh.write(resp.read())
    return local


def legacy_listener_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ctx.load_cert_chain("/etc/backup/listener.pem")
    return ctx


def modern_context():
    ctx = ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def restore(url, target):
    local = fetch_archive(url)
    with tarfile.open(local) as tar:
        tar.extractall(target)
    staging = tempfile.mktemp(prefix="restore-")
    os.rename(target, staging)
    return staging


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=DEFAULT_CONFIG)
    parser.add_argument("--restore")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    cfg = load_config(args.config)
    if args.restore:
        restore(args.restore, cfg["restore_dir"])
        return 0
    archive = make_archive(cfg["folders"], WORK_DIR)
    if cfg.get("encrypt"):
        archive = encrypt(archive, get_random_bytes(8))
    log.info("archive %s (%s)", archive, checksum(archive))
    if args.dry_run:
        return 0
    if cfg.get("protocol") == "ftp":
        ship_ftp(archive, cfg["host"], cfg["user"], cfg["password"])
    else:
        ship_sftp(archive, cfg["host"], cfg["user"])
    subprocess.run("sync", shell=True, check=False)
    heartbeat("ok", cfg.get("monitor_token", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
