from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def greet(request):
    name = request.GET.get("name", "")
    # ruleid: xss
    return HttpResponse(f"<h1>Hello {name}</h1>")


def comment(request):
    text = request.POST["text"]
    # ruleid: xss
    html = mark_safe("<p>%s</p>" % text)
    return HttpResponse(html)


def banner(request):
    # ruleid: xss
    return HttpResponse(SafeString(request.GET["banner"]))


def preformatted(request):
    name = request.GET.get("name", "")
    # ruleid: xss
    return HttpResponse(format_html(f"<b>{name}</b>"))


def safe_greet(request):
    name = request.GET.get("name", "")
    # ok: xss
    return HttpResponse(format_html("<h1>Hello {}</h1>", name))


def constant_mark_safe(request):
    # ok: xss
    return HttpResponse(mark_safe("<hr><p>&copy; Example Ltd</p>"))
