"""Webhook pages under business settings: the endpoints, each with its last deliveries; create,
edit, enable/disable, rotate the secret, send a test, delete, retry a delivery. Owners and
admins only (``Capability.ADMINISTER``); the services decide, these pages translate."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import Capability
from cleopay.core.web import business_page, done, render_confirm, service_errors, validated
from webhooks import selectors, services
from webhooks.rendering import EVENT_TYPES
from webhooks.serializers import WebhookCreateInput, WebhookUpdateInput

RECENT_DELIVERIES = 25


def _endpoint(request, business_id: str, endpoint_id: str):
    with service_errors():
        endpoint = selectors.endpoint_get(user=request.user, endpoint_id=endpoint_id)
    if endpoint.business_id != business_id:
        raise Http404("Not found.")
    return endpoint


def _form(post) -> dict:
    events = post.getlist("events")
    return {
        "url": post.get("url", ""),
        "events": events,
        "description": post.get("description", ""),
    }


@business_page(Capability.ADMINISTER)
def webhook_list(request, business_id: str):
    problems = None
    form = {"url": "", "events": ["*"], "description": ""}
    if request.method == "POST":
        form = _form(request.POST)
        with service_errors() as problems:
            data = validated(WebhookCreateInput, form)
            endpoint = services.webhook_create(business_id=business_id, actor=request.user, **data)
        if not problems:
            return _detail(request, business_id, endpoint, new_secret=endpoint.secret)
    context = {
        "endpoints": selectors.endpoint_list(business_id=business_id),
        "form": form,
        "event_types": EVENT_TYPES,
        "problems": problems,
        "section": "webhooks",
    }
    status = problems.status if problems else 200
    return render(request, "webhooks/list.html", context, status=status)


def _detail(request, business_id, endpoint, *, new_secret=None, problems=None, form=None):
    context = {
        "endpoint": endpoint,
        "deliveries": selectors.delivery_list(endpoint=endpoint)[:RECENT_DELIVERIES],
        "event_types": EVENT_TYPES,
        "form": form
        or {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description},
        "new_secret": new_secret,
        "problems": problems,
        "section": "webhooks",
    }
    status = problems.status if problems else 200
    return render(request, "webhooks/detail.html", context, status=status)


@business_page(Capability.ADMINISTER)
def webhook_detail(request, business_id: str, endpoint_id: str):
    endpoint = _endpoint(request, business_id, endpoint_id)
    if request.method != "POST":
        return _detail(request, business_id, endpoint)
    form = _form(request.POST)
    with service_errors() as problems:
        data = validated(WebhookUpdateInput, form)
        endpoint = services.webhook_update(endpoint_id=endpoint.pk, actor=request.user, **data)
    if problems:
        return _detail(request, business_id, endpoint, problems=problems, form=form)
    messages.success(request, "Webhook endpoint saved.")
    return redirect("settings-webhook", business_id=business_id, endpoint_id=endpoint.pk)


@require_POST
@business_page(Capability.ADMINISTER)
def webhook_status(request, business_id: str, endpoint_id: str):
    endpoint = _endpoint(request, business_id, endpoint_id)
    status = "enabled" if request.POST.get("status") == "enabled" else "disabled"
    with service_errors():
        services.webhook_update(endpoint_id=endpoint.pk, actor=request.user, status=status)
    messages.success(request, f"Webhook endpoint {status}.")
    return redirect("settings-webhook", business_id=business_id, endpoint_id=endpoint.pk)


@require_POST
@business_page(Capability.ADMINISTER)
def webhook_rotate(request, business_id: str, endpoint_id: str):
    endpoint = _endpoint(request, business_id, endpoint_id)
    with service_errors():
        endpoint = services.webhook_rotate_secret(endpoint_id=endpoint.pk, actor=request.user)
    return _detail(request, business_id, endpoint, new_secret=endpoint.secret)


@require_POST
@business_page(Capability.ADMINISTER)
def webhook_test(request, business_id: str, endpoint_id: str):
    endpoint = _endpoint(request, business_id, endpoint_id)
    with service_errors():
        services.webhook_test(endpoint_id=endpoint.pk, actor=request.user)
    messages.success(request, "Test event queued: its delivery appears below.")
    return redirect("settings-webhook", business_id=business_id, endpoint_id=endpoint.pk)


@business_page(Capability.ADMINISTER)
def webhook_delete(request, business_id: str, endpoint_id: str):
    endpoint = _endpoint(request, business_id, endpoint_id)
    back = reverse("settings-webhooks", kwargs={"business_id": business_id})
    if request.method == "POST":
        with service_errors():
            services.webhook_delete(endpoint_id=endpoint.pk, actor=request.user)
        return done(request, f"Webhook endpoint {endpoint.url} deleted.", back)
    return render_confirm(
        request,
        title=f"Delete the endpoint {endpoint.url}?",
        text="It receives nothing more and its delivery history goes. Events stay in the feed.",
        action_url=request.path,
        button="Delete endpoint",
        danger=True,
        next_url=back,
    )


@require_POST
@business_page(Capability.ADMINISTER)
def delivery_retry(request, business_id: str, endpoint_id: str, delivery_id: str):
    endpoint = _endpoint(request, business_id, endpoint_id)
    with service_errors() as problems:
        services.delivery_retry(delivery_id=delivery_id, actor=request.user)
    if problems:
        for message in problems.general:
            messages.error(request, message)
    else:
        messages.success(request, "Delivery queued again.")
    return redirect("settings-webhook", business_id=business_id, endpoint_id=endpoint.pk)
