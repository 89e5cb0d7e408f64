import hashlib
import hmac

from aiohttp import web
from aiohttp_session import get_session, new_session

from . import db


def password_digest(salt: str, password: str) -> str:
    return hashlib.sha1((salt + password).encode()).hexdigest()


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    user = await db.fetch_user(request.app["db"], form.get("username", ""))
    if user is None or not hmac.compare_digest(password_digest(user["salt"], form.get("password", "")), user["password"]):
        raise web.HTTPUnauthorized(text="bad credentials")
    session = await new_session(request)
    session["user"] = user["username"]
    location = request.query.get("next", "/")
    raise web.HTTPFound(location)


async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPFound(request.app.router["index"].url_for())


def login_required(handler):
    async def wrapper(request):
        session = await get_session(request)
        if "user" not in session:
            raise web.HTTPFound("/login")
        request["user"] = session["user"]
        return await handler(request)

    return wrapper
