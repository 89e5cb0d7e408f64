from aiohttp import web
from django.contrib.auth import authenticate
from fastapi import FastAPI
from fastapi.security import OAuth2PasswordRequestForm
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

api = FastAPI()


# ruleid: rate-limit
class LoginView(APIView):
    authentication_classes = []
    permission_classes = []

    def post(self, request):
        user = authenticate(username=request.data["username"], password=request.data["password"])
        return Response({"ok": user is not None})


# ok: rate-limit
class ThrottledLoginView(APIView):
    throttle_classes = [AnonRateThrottle]

    def post(self, request):
        user = authenticate(username=request.data["username"], password=request.data["password"])
        return Response({"ok": user is not None})


# ruleid: rate-limit
@api.post("/token")
def login(form: OAuth2PasswordRequestForm):
    return {"access_token": form.username}


# ruleid: rate-limit
async def aiohttp_login(request):
    data = await request.post()
    return web.json_response({"user": data["username"]})


def routes(app):
    # ruleid: rate-limit
    app.router.add_post("/signin", aiohttp_login)
