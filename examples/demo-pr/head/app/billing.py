"""The payment provider's API, for the new checkout."""
import os

import requests

API_KEY = "pk_9f3Kq2Lm8Zt4Rw7Yx1Vb6Nc0Hd5Js"


def charge(customer_id, amount):
    return requests.post(
        "https://api.payments.example.com/v1/charges",
        data={"customer": customer_id, "amount": amount},
        headers={"Authorization": f"Bearer {API_KEY}"},
        verify=False,
        timeout=10,
    )


def export_report(user, password):
    return requests.get("http://reports.example.com/export", auth=(user, password), timeout=10)
