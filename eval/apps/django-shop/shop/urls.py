from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from store import api, views

router = DefaultRouter()
router.register("products", api.ProductViewSet)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", views.catalogue, name="catalogue"),
    path("search/", views.search, name="search"),
    path("product/<int:pk>/", views.product_detail, name="product"),
    path("product/<int:pk>/review/", views.add_review, name="add-review"),
    path("cart/checkout/", views.checkout, name="checkout"),
    path("invoice/", views.invoice_download, name="invoice"),
    path("set-language/", views.set_language, name="set-language"),
    path("api/", include(router.urls)),
    path("api/login/", api.LoginView.as_view()),
    path("api/partner/orders/", api.PartnerOrdersView.as_view()),
    path("api/import/", api.ProductImportView.as_view()),
]
