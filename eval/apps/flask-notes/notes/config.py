"""Configuration for the notes service.

Values come from the environment in production; the defaults below are what the
docker-compose file in the repository starts with.
"""
import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))


class Config:
    DATABASE = os.environ.get("NOTES_DB", os.path.join(BASE_DIR, "notes.sqlite3"))
    UPLOAD_FOLDER = os.path.join(BASE_DIR, "uploads")
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    SECRET_KEY = "n0tes-s3cret-2021"
    SESSION_COOKIE_HTTPONLY = True
    MAIL_SERVER = "smtp.mailgun.org"
    MAIL_USERNAME = "postmaster@notes.example.com"
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    PREVIEW_TIMEOUT = 5


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    DATABASE = ":memory:"
    WTF_CSRF_ENABLED = False
