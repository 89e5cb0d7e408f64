import hashlib
import hmac
import os

import bcrypt
from argon2 import PasswordHasher
from django.contrib.auth.hashers import make_password


def md5_password(password):
    # ruleid: hashing
    return hashlib.md5(password.encode()).hexdigest()


def sha1_password(password):
    # ruleid: hashing
    return hashlib.sha1(password.encode("utf-8")).hexdigest()


def new_md5(password):
    # ruleid: hashing
    return hashlib.new("md5", password.encode()).hexdigest()


def sha256_password(password):
    # ruleid: hashing
    return hashlib.sha256(password.encode()).hexdigest()


def salted_sha256(password, salt):
    # ruleid: hashing
    return hashlib.sha256(salt + password.encode()).hexdigest()


def sha512_pw(pw):
    # ruleid: hashing
    return hashlib.sha512(pw.encode()).hexdigest()


def django_md5(raw):
    # ruleid: hashing
    return make_password(raw, hasher="unsalted_md5")


def md5_signature(secret, payload):
    # ruleid: hashing
    return hashlib.md5(secret + payload).hexdigest()


def sha1_token(user_id, secret):
    # ruleid: hashing
    return hashlib.sha1(f"{user_id}:{secret}".encode()).hexdigest()


def bcrypt_password(password):
    # ok: hashing
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())


def pbkdf2(password):
    salt = os.urandom(16)
    # ok: hashing
    return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def argon(password):
    # ok: hashing
    return PasswordHasher().hash(password)


def scrypt(password, salt):
    # ok: hashing
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def file_digest(path):
    with open(path, "rb") as fh:
        # ok: hashing
        return hashlib.sha256(fh.read()).hexdigest()


def etag(body):
    # ok: hashing
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def cache_key(url):
    # ok: hashing
    return hashlib.sha1(url.encode()).hexdigest()


def random_id():
    # ok: hashing
    return hashlib.sha1(os.urandom(32)).hexdigest()


def webhook_signature(secret, body):
    # ok: hashing
    return hmac.new(secret, body, hashlib.sha256).hexdigest()
