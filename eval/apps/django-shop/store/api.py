from django.conf import settings
from django.contrib.auth import authenticate
from lxml import etree
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .models import Order, Product


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "category", "price", "stock"]


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    throttle_classes = [AnonRateThrottle]


class LoginView(APIView):
    permission_classes = [permissions.AllowAny]

    def post(self, request):
        user = authenticate(username=request.data.get("username"), password=request.data.get("password"))
        if user is None:
            return Response({"detail": "invalid credentials"}, status=status.HTTP_401_UNAUTHORIZED)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class PartnerOrdersView(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request):
        if request.headers.get("X-Api-Key") != settings.PARTNER_API_KEY:
            return Response(status=status.HTTP_403_FORBIDDEN)
        orders = Order.objects.order_by("-created")[:100]
        return Response([{"number": o.number, "total": str(o.total)} for o in orders])


class ProductImportView(APIView):
    permission_classes = [permissions.IsAdminUser]

    def post(self, request):
        parser = etree.XMLParser(resolve_entities=True, no_network=False)
        root = etree.fromstring(request.body, parser=parser)
        created = 0
        for node in root.iter("product"):
            Product.objects.create(
                name=node.findtext("name"),
                category=node.findtext("category", "misc"),
                price=node.findtext("price", "0"),
            )
            created += 1
        return Response({"created": created}, status=status.HTTP_201_CREATED)
