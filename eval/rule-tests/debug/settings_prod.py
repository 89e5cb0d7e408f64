import os

# ok: debug
DEBUG = False
# ok: debug
DEBUG_TOOLBAR = os.environ.get("DEBUG_TOOLBAR") == "1"
