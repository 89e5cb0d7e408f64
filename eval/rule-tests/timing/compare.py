import hashlib
import hmac
import secrets

from flask import request

from .settings import API_KEY, WEBHOOK_SECRET


def check_key():
    # ruleid: timing
    return request.headers.get("X-Api-Key") == API_KEY


def check_key_ne():
    # ruleid: timing
    if request.headers.get("X-Api-Key") != API_KEY:
        return False
    return True


def check_signature(body, signature):
    expected = hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
    # ruleid: timing
    return signature == expected


def check_token(user, token):
    # ruleid: timing
    return user.reset_token == token


def check_password_hash(user, digest):
    # ruleid: timing
    return digest == user.password_hash


def check_key_safe():
    # ok: timing
    return hmac.compare_digest(request.headers.get("X-Api-Key", ""), API_KEY)


def check_signature_safe(body, signature):
    expected = hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
    # ok: timing
    return secrets.compare_digest(signature, expected)


def has_token(token):
    # ok: timing
    return token is not None and token != ""


def same_user(user, name):
    # ok: timing
    return user.name == name


def token_kind(token):
    # ok: timing
    return token.token_type == "bearer"


def same_settings(old, new):
    # ok: timing
    return old["secret_settings"] == new["secret_settings"]
