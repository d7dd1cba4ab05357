import pytest


@pytest.mark.django_db
def test_signup_then_me(api):
    client = api()
    response = client.post(
        "/api/auth/signup",
        {"email": "Ann@Example.com", "password": "a long enough password", "businessName": "Acme"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["email"] == "ann@example.com"
    assert body["business"]["name"] == "Acme"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    me = client.get("/api/me").json()
    assert me["memberships"] == [{"business": body["business"], "role": "owner"}]
