import os

# ruleid: debug
DEBUG = True

# ok: debug
TEMPLATE_DEBUG_NOTE = "templates follow DEBUG"

ALLOWED_HOSTS = ["shop.example.com"]
