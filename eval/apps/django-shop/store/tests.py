from django.contrib.auth.models import User
from django.test import TestCase
from rest_framework.test import APIClient

from .models import Product


class LoginApiTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("bob", password="pass1234")
        self.client = APIClient()

    def test_token_login(self):
        resp = self.client.post("/api/login/", {"username": "bob", "password": "pass1234"}, format="json")
        self.assertEqual(resp.status_code, 200)
        self.assertIn("token", resp.data)

    def test_catalogue_category(self):
        Product.objects.create(name="Mug", category="kitchen", price="7.50")
        resp = self.client.get("/?category=kitchen")
        self.assertContains(resp, "Mug")
