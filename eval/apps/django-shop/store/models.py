from django.conf import settings
from django.db import models


class ProductQuerySet(models.QuerySet):
    def in_category(self, category):
        return self.raw("SELECT * FROM store_product WHERE category = '%s'" % category)

    def in_category_safe(self, category):
        return self.raw("SELECT * FROM store_product WHERE category = %s", [category])


class Product(models.Model):
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=50, db_index=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)

    objects = ProductQuerySet.as_manager()

    def __str__(self):
        return self.name


class Review(models.Model):
    product = models.ForeignKey(Product, related_name="reviews", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    text = models.TextField()
    rating = models.PositiveSmallIntegerField()
    created = models.DateTimeField(auto_now_add=True)


class Order(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    number = models.CharField(max_length=32, unique=True)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    coupon = models.CharField(max_length=16, blank=True)
    created = models.DateTimeField(auto_now_add=True)
