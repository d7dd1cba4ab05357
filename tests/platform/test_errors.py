"""One error shape on every error path (docs/api/conventions.md)."""

import pytest

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, type_: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    # Every error names the request it answers, as the X-Request-ID header does.
    assert body.pop("requestId") == response["X-Request-ID"]
    assert body["type"] == type_
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    return body


def test_validation_error_names_each_field(api, owner):
    response = api(owner).post("/api/businesses", {}, format="json")
    body = assert_error(response, 400, "validation_error")
    assert body == {
        "type": "validation_error",
        "message": "Validation failed",
        "errors": [{"field": "name", "message": "This field is required."}],
    }


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": ',
        b"{'name': 'x'}",
        b'{"name": NaN}',
        b'{"name": Infinity}',
        b"\xff\xfe",
        b"[" * 100_000,
    ],
)
def test_malformed_json_is_400(api, owner, raw):
    response = api(owner).post("/api/businesses", data=raw, content_type="application/json")
    body = assert_error(response, 400, "validation_error")
    assert body["errors"][0]["field"] is None


def test_a_json_body_that_is_not_an_object_is_400(api, owner):
    response = api(owner).post("/api/businesses", data=b"[1, 2]", content_type="application/json")
    assert_error(response, 400, "validation_error")


def test_unsupported_media_type_is_415(api, owner):
    response = api(owner).post(
        "/api/businesses", data="name=x", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415, "unsupported_media_type")


def test_unknown_api_route_is_404_in_the_error_shape(api, owner):
    assert_error(api(owner).get("/api/no/such/thing"), 404, "not_found")
    assert_error(api().get("/api/businesses/"), 404, "not_found")


def test_wrong_method_is_405(api, owner):
    assert_error(api(owner).delete("/api/me"), 405, "method_not_allowed")


def test_unauthenticated_is_401(api):
    assert_error(api().get("/api/businesses"), 401, "authentication_error")


def test_forbidden_is_403(api, owner):
    from tests import factories

    viewer = factories.member(owner.business, "viewer")
    response = api(viewer).post(
        f"/api/businesses/{owner.business.id}/members",
        {"email": "a@b.co", "role": "viewer"},
        format="json",
    )
    assert_error(response, 403, "permission_denied")


def test_conflict_is_409_with_a_code(api, owner):
    response = api(owner).post(
        f"/api/businesses/{owner.business.id}/members",
        {"email": owner.email, "role": "viewer"},
        format="json",
    )
    body = assert_error(response, 409, "conflict")
    assert body["code"] == "duplicate"


def test_browsers_asking_for_html_still_get_json(api, owner):
    response = api(owner).get("/api/me", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_nul_characters_in_text_are_refused(api, owner):
    response = api(owner).post("/api/businesses", {"name": "Evil\x00Corp"}, format="json")
    assert_error(response, 400, "validation_error")


def test_too_large_body_is_413(api, owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api(owner).post(
        "/api/businesses", data=b'{"name": "' + b"x" * 2000 + b'"}', content_type="application/json"
    )
    assert_error(response, 413, "payload_too_large")


def test_non_api_404_is_a_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/no-such-route"),
        ("get", "/api/payables/pay_x/no-such-action"),
        ("post", "/api/businesses/biz_x/nothing-here"),
        ("get", "/api/tags/%00"),
    ],
)
def test_an_unknown_api_route_is_a_json_404_with_debug_on(api, owner, settings, method, path):
    settings.DEBUG = True
    response = getattr(api(owner), method)(path)
    body = assert_error(response, 404, "not_found")
    assert body["message"] == "Not found."
    # The pages keep Django's own 404 page.
    page = api(owner).get("/no-such-page")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_an_unknown_api_route_is_a_json_404_with_debug_off(api, owner):
    assert_error(api(owner).get("/api/no-such-route"), 404, "not_found")
