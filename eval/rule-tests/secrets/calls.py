import hashlib
import hmac
import smtplib

import boto3
import jwt
import psycopg2
import pymysql
import redis
from cryptography.fernet import Fernet
from hashids import Hashids


def s3_client():
    # ruleid: secrets
    return boto3.client("s3", aws_access_key_id="AKIAZ7Q2R4X9LMNB3KPD", aws_secret_access_key="Xk8vB2nM5qL9wR3tY7uI1oP4aS6dF0gH2jK5lZ8c")


def session():
    # ruleid: secrets
    return boto3.Session(aws_access_key_id="AKIAT4XW2M9QPLR7VN3B", aws_secret_access_key="b7N3mK9qW2eR5tY8uI1oP4aS6dF0gH3jK5lZ8cX2")


def connect_pg():
    # ruleid: secrets
    return psycopg2.connect(host="db", user="app", password="pg-app-pass-91")


def connect_mysql():
    # ruleid: secrets
    return pymysql.connect(host="db", user="root", passwd="toor123", db="shop")


def redis_client():
    # ruleid: secrets
    return redis.Redis(host="cache", port=6379, password="r3d1s-s3cr3t")


def mail(user):
    server = smtplib.SMTP_SSL("smtp.example.com", 465)
    # ruleid: secrets
    server.login(user, "Mail-Pass-2023")
    return server


def sign(payload):
    # ruleid: secrets
    return jwt.encode(payload, "jwt-secret-key", algorithm="HS256")


def sign_kw(payload):
    # ruleid: secrets
    return jwt.encode(payload, key="another-signing-key", algorithm="HS512")


def verify(token):
    # ruleid: secrets
    return jwt.decode(token, "jwt-secret-key", algorithms=["HS256"])


def encode_ids(n):
    # ruleid: secrets
    hashids = Hashids(salt="this is my salt", min_length=8)
    return hashids.encode(n)


def fernet():
    # ruleid: secrets
    return Fernet(b"ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=")


def mac(message):
    # ruleid: secrets
    return hmac.new(b"webhook-signing-key-2021", message, hashlib.sha256).hexdigest()


# ruleid: secrets
def connect_default(host, user, password="Winter2019!"):
    # ok: secrets
    return psycopg2.connect(host=host, user=user, password=password)


# ruleid: secrets
def login(username, password="letmein123"):
    return username, password


def check_admin(password):
    # ruleid: secrets
    if password == "Adm1n!2020":
        return True
    return False


def check_token(token):
    # ruleid: secrets
    return token == "0b8f2d6e4a1c9e7b5d3f1a8c6e4b2d09"


def env_client(settings):
    # ok: secrets
    return boto3.client("s3", aws_access_key_id=settings.AWS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET)


def sign_env(payload, key):
    # ok: secrets
    return jwt.encode(payload, key, algorithm="HS256")


def connect_env(cfg):
    # ok: secrets
    return psycopg2.connect(host=cfg["host"], user=cfg["user"], password=cfg["password"])


def generate_key():
    # ok: secrets
    return Fernet(Fernet.generate_key())


def is_password_empty(password):
    # ok: secrets
    return password == ""


def which_field(name):
    # ok: secrets
    return name == "password"
