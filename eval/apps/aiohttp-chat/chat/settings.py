import os
import pathlib

BASE_DIR = pathlib.Path(__file__).parent
TEMPLATES_DIR = BASE_DIR / "templates"
UPLOADS_DIR = BASE_DIR / "uploads"

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://chat:chatpass123@db:5432/chat")
COOKIE_KEY = b"Thirty  two  length  bytes  key."
LINK_PREVIEW_TIMEOUT = 4
