"""Log in to the pages with e-mail and password, land on your business's home, log out."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_login_lands_on_the_home_of_the_users_business_then_logout(client, owner):
    response = client.post(
        "/login", {"username": owner.email.upper(), "password": "correct horse battery staple"}
    )
    assert response.status_code == 302

    home = client.get("/", follow=True)
    assert home.status_code == 200
    assert home.redirect_chain[-1][0] == f"/b/{owner.business.id}/"
    assert owner.business.name in home.content.decode()

    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, owner):
    response = client.post("/login", {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode().lower()
    assert client.get("/").status_code == 302
