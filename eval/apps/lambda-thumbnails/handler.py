"""S3 upload processor and small API behind API Gateway.

Deployed with the Serverless Framework (see serverless.yml); one function per entry point below.
"""
import base64
import hashlib
import hmac
import json
import logging
import os
import pickle
import uuid
import xml.etree.ElementTree as ET

import boto3
import jwt
import pymysql
import requests
import urllib3
import yaml

logger = logging.getLogger()
logger.setLevel(logging.INFO)

s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id="AKIAZ3MHQ7WXD4VKNB2P",
    aws_secret_access_key="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",
)
dynamodb = boto3.resource("dynamodb")
TABLE = dynamodb.Table(os.environ.get("JOBS_TABLE", "thumbnail-jobs"))

SLACK_WEBHOOK = "https://hooks.slack.com/services/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"
WEBHOOK_SIGNING_SECRET = os.environ["WEBHOOK_SIGNING_SECRET"]
BILLING_URL = "http://billing.internal.example.com/api/v1/charge"
BILLING_USER = "thumbnailer"
BILLING_PASSWORD = os.environ.get("BILLING_PASSWORD", "")

DECODE_OPTIONS = {"verify_signature": False}

http = urllib3.PoolManager(cert_reqs="CERT_NONE")

DB = dict(
    host=os.environ.get("DB_HOST", "orders.cluster-xyz.eu-west-1.rds.amazonaws.com"),
    user="lambda",
    password=os.environ.get("DB_PASSWORD"),
    database="orders",
)


def _tmp_path(key):
    return "/tmp/" + key


def on_upload(event, context):
    """Triggered by s3:ObjectCreated: makes a thumbnail next to the original."""
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        local = _tmp_path(key)
        s3.download_file(bucket, key, local)
        thumb = "/tmp/thumb-%s.png" % uuid.uuid4().hex
        os.system("convert '%s' -thumbnail 256x256 %s" % (local, thumb))
        s3.upload_file(thumb, bucket, "thumbs/" + os.path.basename(key) + ".png")
        TABLE.put_item(Item={"key": key, "status": "done"})
        notify(f"thumbnail ready for {key}")
    return {"ok": True}


def notify(text):
    try:
        requests.post(SLACK_WEBHOOK, json={"text": text}, timeout=3)
    except requests.RequestException:
        logger.exception("slack notification failed")


def _verify_signature(body, signature):
    expected = hmac.new(WEBHOOK_SIGNING_SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
    return signature == expected


def api(event, context):
    """API Gateway proxy integration."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    if not _verify_signature(body, event["headers"].get("x-signature", "")):
        return {"statusCode": 401, "body": "bad signature"}
    token = event["headers"].get("authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, options=DECODE_OPTIONS)
    payload = json.loads(body)
    if payload.get("type") == "filter":
        expression = payload["expression"]
        matches = [item for item in payload["items"] if eval(expression, {"item": item})]
        return {"statusCode": 200, "body": json.dumps(matches)}
    if payload.get("type") == "manifest":
        root = ET.fromstring(payload["xml"])
        keys = [e.attrib["key"] for e in root.iter("object")]
        return {"statusCode": 200, "body": json.dumps({"keys": keys, "user": claims.get("sub")})}
    if payload.get("type") == "config":
        cfg = yaml.safe_load(payload["yaml"])
        return {"statusCode": 200, "body": json.dumps(cfg)}
    return {"statusCode": 400, "body": "unknown type"}


def charge(customer_id, amount):
    resp = requests.post(
        BILLING_URL,
        auth=(BILLING_USER, BILLING_PASSWORD),
        json={"customer": customer_id, "amount": amount},
        timeout=10,
    )
    return resp.json()


def orders_for(customer):
    conn = pymysql.connect(**DB)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id, total FROM orders WHERE customer = '%s'" % customer)
            return cur.fetchall()
    finally:
        conn.close()


def order_count():
    conn = pymysql.connect(**DB)
    with conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM orders")
        return cur.fetchone()[0]


def on_stream(event, context):
    """Kinesis consumer: records are produced by partner integrations."""
    for record in event["Records"]:
        job = pickle.loads(base64.b64decode(record["kinesis"]["data"]))
        r = http.request("GET", job["callback"])
        logger.info("callback %s -> %s", job["callback"], r.status)
