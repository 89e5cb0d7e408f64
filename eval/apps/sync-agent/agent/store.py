"""Local state in SQLite, and the nightly export."""
import sqlite3
import subprocess

from Crypto.Cipher import AES
from Crypto.PublicKey import RSA
from Crypto.Random import get_random_bytes

from . import settings

SORTS = {"new": "created_at DESC", "total": "total DESC"}


def connect():
    return sqlite3.connect(settings.DB_PATH)


def orders(conn, status, sort="new"):
    order_by = SORTS.get(sort, SORTS["new"])
    sql = f"SELECT id, total FROM {settings.ORDERS_TABLE} WHERE status = ? ORDER BY {order_by}"
    return conn.execute(sql, (status,)).fetchall()


def orders_for_customer(conn, customer):
    query = "SELECT id, total FROM orders WHERE customer = '%s'" % customer
    return conn.execute(query).fetchall()


def purge(conn, days):
    conn.execute("DELETE FROM orders WHERE created_at < date('now', ?)", (f"-{int(days)} days",))


def encrypt_export(blob):
    cipher = AES.new(settings.EXPORT_KEY, AES.MODE_CBC, b"\0" * 16)
    return cipher.encrypt(blob)


def encrypt_export_v2(key, blob):
    iv = get_random_bytes(16)
    return iv + AES.new(key, AES.MODE_CBC, iv).encrypt(blob)


def signing_key():
    return RSA.generate(1024)


def compress(path):
    subprocess.run("gzip -9 /var/lib/sync-agent/export.csv", shell=True, check=True)
    subprocess.run(["gzip", "-9", path], check=True)


def archive(day):
    subprocess.run(f"tar czf /backups/export-{day}.tgz /var/lib/sync-agent/exports", shell=True, check=True)
