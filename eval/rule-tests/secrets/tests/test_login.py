import pytest

# ok: secrets
TEST_PASSWORD = "testpassword"
# ok: secrets
DUMMY_TOKEN = "dummy-token"


@pytest.fixture
def user(django_user_model):
    # ok: secrets
    return django_user_model.objects.create_user(username="alice", password="secret123")


def test_login(client, user):
    # ok: secrets
    resp = client.post("/login/", {"username": "alice", "password": "secret123"})
    assert resp.status_code == 302


def test_api_token(client):
    # ok: secrets
    client.credentials(HTTP_AUTHORIZATION="Token " + "x" * 40)
    assert client.get("/api/me/").status_code == 200


def test_real_token_leaked_in_test():
    # ruleid: secrets
    token = "ghp_4nQ8rT2vX6zB1cE5gH9jL3mP7sU0wY2aD4fK"
    assert token.startswith("ghp_")
