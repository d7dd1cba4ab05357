"""
Writes of notifications: who hears of what, ``notify``, marking read, and sending one e-mail.

The payables services call one ``notify_<fact>`` per change, inside their transaction: the
in-app rows are written with the change and are the e-mail outbox (``emailed_at`` null). The
request publishes nothing: beat's ``send_pending_emails`` sweep sends them after the commit
(each person's settings decide: the type turned off, or the daily digest instead,
``notifications.preferences`` and ``notifications.digest``), so a write commits and answers
whether or not the broker or the mail server is up.

Who hears of what:

- the payer's owners and admins when a payable is submitted to it (those asked to approve it at
  the same moment get the approval request instead, not both);
- the people who may approve the current step when a payable reaches it (under manual review,
  every owner, admin and approver of the payer), never the payable's authors, and the delegate
  of each of them who is away (``approvals.delegation``), told on whose behalf;
- the payee's owners and admins, and whoever submitted the payable, when it is approved,
  declined (with the reason), scheduled or paid;
- both sides (as above) when a payment fails;
- the other side when a payable is cancelled: the payee's people when the payer cancels it, the
  payer's owners and admins and those asked to approve it when the payee cancels one that had
  reached the payer (a draft's cancellation is the payee's own business);
- the inviting business's owners and admins, and whoever sent the invitation, when a connection
  invitation is accepted.
- a business's owners and admins when someone accepts an invitation to join it;
- the approvers of a step that waited too long (reminded), and the payer's owners and admins
  or a named role when it waits longer (escalated): ``approvals.reminders``.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from cleopay.core.expressions import AnyOf
from cleopay.core.formats import format_date, format_money
from cleopay.core.mail import send_templated_mail
from notifications.models import (
    DigestFrequency,
    Notification,
    NotificationSettings,
    NotificationType,
)
from notifications.preferences import (
    notification_settings_get,
    unsubscribe_headers,
    unsubscribe_url,
)
from notifications.selectors import notification_get

# The sweep gives up on e-mails it could not send for this long (a digest is sent within a day).
EMAIL_GIVE_UP_AFTER = timedelta(days=3)


def _money(payable) -> str:
    return format_money(payable.amount)


def _side_people(business_id: str, *, also: Iterable[str | None] = ()) -> list[str]:
    """The active owners and admins of a business, plus ``also`` if they are still members."""
    extra = [user_id for user_id in also if user_id]
    return list(
        Membership.objects.filter(business_id=business_id, user__is_active=True)
        .filter(Q(role__in=[Role.OWNER, Role.ADMIN]) | Q(user_id__in=extra))
        .order_by("user__email")
        .values_list("user_id", flat=True)
    )


def _payee_people(payable) -> list[str]:
    return _side_people(payable.payee_id, also=[payable.submitted_by_id])


def notify(
    *,
    type: NotificationType,
    payable=None,
    connection=None,
    business_id: str,
    user_ids: Iterable[str],
    message: str,
    note: str = "",
) -> list[Notification]:
    """Notify ``user_ids`` (hearing as members of ``business_id``) in the app now, in the
    caller's transaction; the e-mail sweep sends the e-mails once it commits."""
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(
            user_id=user_id,
            business_id=business_id,
            payable=payable,
            connection=connection,
            type=type,
            message=message,
            note=note,
            created_at=now,
        )
        for user_id in dict.fromkeys(user_ids)
    )
    return rows


# --- the facts ---------------------------------------------------------------------------------------


def notify_payable_submitted(*, payable, exclude: Iterable[str] = ()) -> list[Notification]:
    skip = set(exclude)
    return notify(
        type=NotificationType.PAYABLE_SUBMITTED,
        payable=payable,
        business_id=payable.payer_id,
        user_ids=[u for u in _side_people(payable.payer_id) if u not in skip],
        message=f"{payable.payee.name} submitted invoice {payable.invoice_number} "
        f"for {_money(payable)}.",
    )


def notify_approval_requested(
    *, payable, user_ids: Iterable[str], step: str = "", on_behalf_of: str = ""
) -> list[Notification]:
    """``step`` names the step for a workflow of several (``step 2 of 3``); ``on_behalf_of``
    the e-mail of the person away whose approvals ``user_ids`` hold (a delegation)."""
    where = f" ({step})" if step else ""
    behalf = f" on behalf of {on_behalf_of}" if on_behalf_of else ""
    return notify(
        type=NotificationType.APPROVAL_REQUESTED,
        payable=payable,
        business_id=payable.payer_id,
        user_ids=user_ids,
        message=f"Invoice {payable.invoice_number} from {payable.payee.name} for "
        f"{_money(payable)} awaits your approval{behalf}{where}.",
    )


def notify_approval_reminder(
    *, payable, user_ids: Iterable[str], waited: str, step: str = ""
) -> list[Notification]:
    """The step's approvers, reminded after ``waited`` (``2 days``) without a decision."""
    where = f" ({step})" if step else ""
    return notify(
        type=NotificationType.APPROVAL_REMINDER,
        payable=payable,
        business_id=payable.payer_id,
        user_ids=user_ids,
        message=f"Reminder: invoice {payable.invoice_number} from {payable.payee.name} for "
        f"{_money(payable)} has awaited your approval for {waited}{where}.",
    )


def notify_approval_escalated(
    *, payable, user_ids: Iterable[str], waited: str, waiting_for: str, step: str = ""
) -> list[Notification]:
    """Owners and admins (or a named role) told that a step has waited ``waited``."""
    where = f" at {step}" if step else ""
    return notify(
        type=NotificationType.APPROVAL_ESCALATED,
        payable=payable,
        business_id=payable.payer_id,
        user_ids=user_ids,
        message=f"Invoice {payable.invoice_number} from {payable.payee.name} for "
        f"{_money(payable)} has waited {waited} for approval{where}; it waits for "
        f"{waiting_for}.",
    )


def notify_payable_approved(*, payable) -> list[Notification]:
    return notify(
        type=NotificationType.PAYABLE_APPROVED,
        payable=payable,
        business_id=payable.payee_id,
        user_ids=_payee_people(payable),
        message=f"{payable.payer.name} approved invoice {payable.invoice_number} "
        f"for {_money(payable)}.",
    )


def notify_payable_declined(*, payable) -> list[Notification]:
    return notify(
        type=NotificationType.PAYABLE_DECLINED,
        payable=payable,
        business_id=payable.payee_id,
        user_ids=_payee_people(payable),
        message=f"{payable.payer.name} declined invoice {payable.invoice_number}: "
        f"{payable.decline_reason}",
        note=payable.decline_reason,
    )


def notify_payable_scheduled(*, payable, payment) -> list[Notification]:
    return notify(
        type=NotificationType.PAYABLE_SCHEDULED,
        payable=payable,
        business_id=payable.payee_id,
        user_ids=_payee_people(payable),
        message=f"{payable.payer.name} scheduled the payment of invoice "
        f"{payable.invoice_number} ({_money(payable)}) for {format_date(payment.scheduled_for)}.",
        note=payment.scheduled_for.isoformat(),
    )


def notify_payable_paid(*, payable) -> list[Notification]:
    return notify(
        type=NotificationType.PAYABLE_PAID,
        payable=payable,
        business_id=payable.payee_id,
        user_ids=_payee_people(payable),
        message=f"{payable.payer.name} paid invoice {payable.invoice_number} ({_money(payable)}).",
    )


def notify_payment_failed(*, payable, payment) -> list[Notification]:
    message = (
        f"The payment of invoice {payable.invoice_number} ({_money(payable)}) from "
        f"{payable.payer.name} to {payable.payee.name} failed: {payment.failure_reason}"
    )
    sides = [(payable.payee_id, _payee_people(payable)), (payable.payer_id, None)]
    rows = []
    for business_id, people in sides:
        rows += notify(
            type=NotificationType.PAYMENT_FAILED,
            payable=payable,
            business_id=business_id,
            user_ids=people if people is not None else _side_people(business_id),
            message=message,
            note=payment.failure_reason,
        )
    return rows


def notify_payable_cancelled(
    *, payable, cancelled_by: str, from_status: str, approvers: Iterable[str] = ()
) -> list[Notification]:
    """``cancelled_by`` is the business that cancelled; the other side hears of it.
    ``approvers``: the payer's people asked to approve it, told of a payee's cancellation."""
    reason = payable.cancel_reason
    said = f": {reason}" if reason else "."
    if cancelled_by == payable.payer_id:
        business_id, people = payable.payee_id, _payee_people(payable)
        who = payable.payer.name
    else:
        if from_status == "DRAFT":
            return []
        business_id, people = payable.payer_id, _side_people(payable.payer_id, also=approvers)
        who = payable.payee.name
    return notify(
        type=NotificationType.PAYABLE_CANCELLED,
        payable=payable,
        business_id=business_id,
        user_ids=people,
        message=f"{who} cancelled invoice {payable.invoice_number} ({_money(payable)}){said}",
        note=reason,
    )


def notify_connection_accepted(*, connection) -> list[Notification]:
    """The inviting business hears that the invited one accepted."""
    inviter_id = connection.invited_by_business_id
    accepted_by = connection.payer if connection.payee_id == inviter_id else connection.payee
    as_role = "payer" if accepted_by.pk == connection.payer_id else "payee"
    return notify(
        type=NotificationType.CONNECTION_ACCEPTED,
        connection=connection,
        business_id=inviter_id,
        user_ids=_side_people(inviter_id, also=[connection.created_by_id]),
        message=f"{accepted_by.name} accepted your invitation to connect, as your {as_role}.",
    )


def notify_member_joined(*, membership) -> list[Notification]:
    business_id = membership.business_id
    return notify(
        type=NotificationType.MEMBER_JOINED,
        payable=None,
        business_id=business_id,
        user_ids=[u for u in _side_people(business_id) if u != membership.user_id],
        message=f"{membership.user.email} joined {membership.business.name} as "
        f"{membership.get_role_display().lower()}.",
    )


# --- reading and e-mail --------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: str) -> Notification:
    """Mark one of the caller's notifications read (again is harmless: the first time stays)."""
    notification = notification_get(user=user, notification_id=notification_id)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user, business_ids: Iterable[str]) -> int:
    """Mark every unread notification of the caller (in ``business_ids``) read; returns how many."""
    return Notification.objects.filter(
        AnyOf("business_id", business_ids), user=user, read_at__isnull=True
    ).update(read_at=timezone.now())


def notification_email_send(*, notification_id: str) -> int:
    """Send one notification's e-mail unless it was sent already; returns messages sent.

    The claim is one conditional UPDATE (``emailed_at`` from null to now): of two runs only
    one gets it, so nobody gets the same e-mail twice. A type the person turned off is claimed
    and not sent. If sending fails the claim is released for the sweep to try again.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    notification = Notification.objects.select_related(
        "user", "business", "payable__payee", "payable__payer", "connection"
    ).get(pk=notification_id)
    user = notification.user
    if not user.is_active or not user.email:
        return 0
    if not notification_settings_get(user=user).emails(notification.type):
        return 0
    unsubscribe = unsubscribe_url(user_id=user.pk, type=notification.type)
    try:
        return send_templated_mail(
            to=[user.email],
            template=notification.type,
            context={
                "notification": notification,
                "payable": notification.payable,
                "connection": notification.connection,
                "business": notification.business,
                "user": user,
                "link": settings.SITE_URL + notification_email_path(notification),
                "unsubscribe_url": unsubscribe,
            },
            time_zone=user.time_zone,
            headers=unsubscribe_headers(unsubscribe),
        )
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise


def notification_path(notification: Notification) -> str:
    """The page a notification opens, in the business it was heard as."""
    if notification.payable_id:
        return reverse(
            "payable-detail",
            kwargs={"business_id": notification.business_id, "payable_id": notification.payable_id},
        )
    if not notification.connection_id:  # news about the business itself: a member joined
        return reverse("settings-members", kwargs={"business_id": notification.business_id})
    return reverse(
        "connection-detail",
        kwargs={
            "business_id": notification.business_id,
            "connection_id": notification.connection_id,
        },
    )


def notification_email_path(notification: Notification) -> str:
    """The link of its e-mail: a payable's opens through ``/payables/<id>``, which finds the
    reader's side (after a login if need be)."""
    if notification.payable_id:
        return reverse("payable-redirect", kwargs={"payable_id": notification.payable_id})
    return notification_path(notification)


def notifications_email_pending(*, limit: int) -> list[str]:
    """Notifications whose e-mail has not gone out (just written, or sending failed), oldest
    first, but for those who read a daily digest instead; those too old are given up."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True, created_at__gte=now - EMAIL_GIVE_UP_AFTER
        )
        .exclude(
            Exists(
                NotificationSettings.objects.filter(
                    user_id=OuterRef("user_id"), digest=DigestFrequency.DAILY
                )
            )
        )
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
