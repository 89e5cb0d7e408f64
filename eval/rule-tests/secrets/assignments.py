import os
from getpass import getpass

from flask import Flask

app = Flask(__name__)

# ruleid: secrets
app.secret_key = "aaaaaaaaaaaaaaaa"
# ruleid: secrets
app.config["SECRET_KEY"] = "s3cr3t"
# ruleid: secrets
app.config["SECRET_KEY_HMAC"] = "secret"
# ruleid: secrets
app.config.update(SECRET_KEY="d8f7a6s5d4f3g2h1")
# ruleid: secrets
password = "P@ssw0rd2023"
# ruleid: secrets
DB_PASSWORD = "hunter2"
# ruleid: secrets
API_KEY = "4f9c2a7e8b1d3f6a0c5e9b2d7a1f8c3e"
# ruleid: secrets
STRIPE_SECRET = "sk_live_51HqLw2KZvX8mN4pR7tY0bC3dF6gJ9kL2"
# ruleid: secrets
GITHUB_TOKEN = "ghp_8fK2mP9qR4tV7wX1zA3cE6gH0jL5nB2dS4uY"
# ruleid: secrets
slack_token = "xoxb-1234567890-9876543210-AbCdEfGhIjKlMnOpQrStUvWx"
# ruleid: secrets
AWS_SECRET_ACCESS_KEY = "wJ7rT2xK9mQ4vB8nL1pZ5cY3hF6gD0sA2eU4iO8k"
# ruleid: secrets
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq3k9VxJ2m4Yt\n-----END RSA PRIVATE KEY-----"
# ruleid: secrets
DATABASE_URL = "postgres://app:Xk29fLm3Qp@db.example.com:5432/app"
# ruleid: secrets
REDIS_URL = "redis://:r3d1s-pa55@cache.internal:6379/0"


class Settings:
    # ruleid: secrets
    jwt_secret = "my-jwt-signing-secret"
    # ruleid: secrets
    admin_password: str = "admin1234"


class Client:
    def __init__(self):
        # ruleid: secrets
        self.api_token = "tkn_7Hq2Lw9Xz4Kp8Rm3"
        # ok: secrets
        self.token_type = "bearer"


CONFIG = {
    "host": "db.example.com",
    # ruleid: secrets
    "password": "mysql-root-2022",
    # ok: secrets
    "password_field": "password",
}

# ok: secrets
SECRET_KEY = os.environ["SECRET_KEY"]
# ok: secrets
db_password = os.getenv("DB_PASSWORD", "")
# ok: secrets
password = getpass("Password: ")
# ok: secrets
PASSWORD_RESET_URL = "/accounts/password/reset/"
# ok: secrets
TOKEN_HEADER = "X-Auth-Token"
# ok: secrets
auth_method = "password"
# ok: secrets
API_KEY = "YOUR_API_KEY_HERE"
# ok: secrets
DB_PASSWORD = "${DB_PASSWORD}"
# ok: secrets
password = ""
# ok: secrets
aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"
# ok: secrets
aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
# ok: secrets
SECRET_KEY_FILE = "/run/secrets/django_secret_key"
# ok: secrets
secret_name = "prod/app/db-password"
