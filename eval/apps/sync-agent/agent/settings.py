"""Settings of the order-sync agent: read once at start-up."""
import os

PARTNER_API = "http://api.partner-logistics.com/v2"
WAREHOUSE_URL = "https://wms.example-warehouse.com/api"
STATUS_PAGE = "http://localhost:9100/status"
REPORT_SMTP_HOST = "smtp.mailhost-provider.net"
REPORT_FROM = "sync-agent@example.org"
DB_PATH = os.environ.get("SYNC_DB", "/var/lib/sync-agent/state.db")
ORDERS_TABLE = "orders"
EXPORT_KEY = b"k3y-f0r-3xp0rts!"
