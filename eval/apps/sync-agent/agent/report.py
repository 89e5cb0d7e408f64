"""Daily report by mail, and the report template the operators can override."""
import smtplib
from email.message import EmailMessage

import yaml

from . import settings


class ReportLoader(yaml.SafeLoader):
    """SafeLoader that also understands !env tags."""


ReportLoader.add_constructor("!env", lambda loader, node: loader.construct_scalar(node))


def load_layout(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=ReportLoader)


def load_overrides(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.Loader)


def send_report(user, password, body):
    msg = EmailMessage()
    msg["From"] = settings.REPORT_FROM
    msg["To"] = "ops@example.org"
    msg.set_content(body)
    server = smtplib.SMTP(settings.REPORT_SMTP_HOST, 587)
    server.login(user, password)
    server.send_message(msg)
    server.quit()


def send_report_tls(user, password, body):
    with smtplib.SMTP(settings.REPORT_SMTP_HOST, 587) as server:
        server.starttls()
        server.login(user, password)
        server.sendmail(settings.REPORT_FROM, ["ops@example.org"], body)
