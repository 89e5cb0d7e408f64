from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from . import views

urlpatterns = [
    # ruleid: rate-limit
    path("accounts/", include("django.contrib.auth.urls")),
    # ruleid: rate-limit
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    # ok: rate-limit
    path("login-limited/", ratelimit(key="ip", rate="5/m", method="POST")(auth_views.LoginView.as_view()), name="login-limited"),
    # ok: rate-limit
    path("products/", views.product_list, name="products"),
]
