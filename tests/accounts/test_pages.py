"""Log in to the pages with e-mail and password, see your businesses, log out."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_login_shows_the_users_businesses_then_logout(client, owner):
    response = client.post(
        "/login", {"username": owner.email.upper(), "password": "correct horse battery staple"}
    )
    assert response.status_code == 302

    home = client.get("/")
    assert home.status_code == 200
    assert owner.business.name in home.content.decode()

    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, owner):
    response = client.post("/login", {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode().lower()
    assert client.get("/").status_code == 302
