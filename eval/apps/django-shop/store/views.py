import os
import random
import string
import subprocess

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from .models import Order, Product, Review


def catalogue(request):
    category = request.GET.get("category")
    if category:
        products = Product.objects.in_category(category)
    else:
        products = Product.objects.all()[:50]
    return render(request, "store/catalogue.html", {"products": products})


def search(request):
    q = request.GET.get("q", "")
    products = Product.objects.extra(where=["name LIKE '%%" + q + "%%'"])
    return render(request, "store/search.html", {"products": products, "q": q})


def product_detail(request, pk):
    product = get_object_or_404(Product, pk=pk)
    reviews = []
    for review in product.reviews.select_related("author"):
        reviews.append(mark_safe(f"<li><b>{review.author.username}</b>: {review.text}</li>"))
    stars = format_html("<span class='stars'>{}</span>", "*" * 5)
    return render(request, "store/product.html", {"product": product, "reviews": reviews, "stars": stars})


@login_required
def add_review(request, pk):
    product = get_object_or_404(Product, pk=pk)
    Review.objects.create(product=product, author=request.user, text=request.POST["text"], rating=int(request.POST["rating"]))
    return redirect("product", pk=pk)


def sales_report(since):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date(created), count(*), sum(total) FROM store_order WHERE created >= %s GROUP BY 1",
            [since],
        )
        return cursor.fetchall()


def order_lookup(number):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, total FROM store_order WHERE number = '{number}'")
        return cursor.fetchone()


def make_coupon():
    return "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(10))


@login_required
def checkout(request):
    order = Order.objects.create(
        customer=request.user,
        number=request.POST["number"],
        total=request.POST["total"],
        coupon=make_coupon(),
    )
    url = request.build_absolute_uri(f"/orders/{order.number}/print")
    out = os.path.join(settings.INVOICE_DIR, f"{order.number}.pdf")
    subprocess.check_output("wkhtmltopdf %s %s" % (url, out), shell=True)
    return redirect("catalogue")


@login_required
def invoice_download(request):
    name = request.GET["name"]
    path = os.path.join(settings.INVOICE_DIR, name)
    if not os.path.exists(path):
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True)


def set_language(request):
    lang = request.POST.get("language", "en")
    next_url = request.POST.get("next", "/")
    response = HttpResponseRedirect(next_url)
    response.set_cookie("django_language", lang)
    return response


def safe_next(request):
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return HttpResponseRedirect(next_url)
