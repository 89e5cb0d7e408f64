import logging

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from . import auth, views
from .db import init_pool
from .settings import COOKIE_KEY, TEMPLATES_DIR


def create_app() -> web.Application:
    app = web.Application(debug=True)
    setup_session(app, EncryptedCookieStorage(COOKIE_KEY))
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=False)
    app.cleanup_ctx.append(init_pool)
    app.router.add_get("/", views.index, name="index")
    app.router.add_post("/login", auth.login)
    app.router.add_get("/logout", auth.logout)
    app.router.add_get("/rooms/{room}", views.room)
    app.router.add_post("/rooms/{room}", views.post)
    app.router.add_get("/preview", views.link_preview)
    app.router.add_get("/avatar/{user}", views.avatar)
    app.router.add_get("/greet", views.greet)
    app.router.add_get("/uploads/{filename:.+}", views.upload)
    app.router.add_get("/health", views.health)
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(create_app(), port=8080)
