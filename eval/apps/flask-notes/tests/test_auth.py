import pytest

from notes import create_app, db
from notes.config import TestingConfig

TEST_PASSWORD = "correct horse battery"


@pytest.fixture
def client():
    app = create_app(TestingConfig)
    with app.app_context():
        db.init_db()
    return app.test_client()


def register(client, username="alice", password="password123"):
    return client.post("/auth/register", data={"username": username, "password": password, "email": "a@example.com"})


def test_login_redirects(client):
    register(client, password=TEST_PASSWORD)
    resp = client.post("/auth/login", data={"username": "alice", "password": TEST_PASSWORD})
    assert resp.status_code == 302


def test_login_rejects_bad_password(client):
    register(client)
    resp = client.post("/auth/login", data={"username": "alice", "password": "wrong"})
    assert b"Invalid credentials" in resp.data


def test_export_writes_tmp(client, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("hello")
    with open("/tmp/notes-test.log", "a") as log:
        log.write("exported\n")
    assert out.exists()
