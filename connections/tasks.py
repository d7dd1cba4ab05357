from celery import shared_task

from accounts.models import Membership, Role, User
from cleopay.core.mail import EMAIL_RETRY, send_templated_mail
from connections.models import Connection, ConnectionRole, ConnectionStatus


@shared_task(**EMAIL_RETRY)
def send_connection_invitation_email(connection_id: str) -> int:
    """Tell the invited side about a pending connection: its owners and admins, or the e-mail.

    A connection that is gone or no longer pending sends nothing; a repeat sends the same
    invitation again, which is harmless.
    """
    connection = (
        Connection.objects.select_related("payer", "payee", "invited_by_business", "created_by")
        .filter(pk=connection_id, status=ConnectionStatus.PENDING)
        .first()
    )
    if connection is None:
        return 0
    invited_id = connection.invited_business_id
    if invited_id is None:
        recipients = [connection.invited_email]
    else:
        recipients = list(
            Membership.objects.filter(business_id=invited_id, role__in=[Role.OWNER, Role.ADMIN])
            .order_by("user__email")
            .values_list("user__email", flat=True)
        )
    inviter = connection.invited_by_business
    context = {
        "connection": connection,
        "inviter": inviter,
        "inviter_role": connection.role_of(inviter.pk),
        "invited_business": connection.payer
        if invited_id == connection.payer_id
        else connection.payee,
        "invited_email": connection.invited_email,
        "is_bound": invited_id is not None,
        # Only the address's owner reads this: an account there is told to log in, not sign up.
        "has_account": invited_id is None
        and User.objects.filter(email__iexact=connection.invited_email).exists(),
        "payer": ConnectionRole.PAYER,
    }
    # One message per person: colleagues' addresses are not shared with each other.
    return sum(
        send_templated_mail(to=[email], template="connection_invitation", context=context)
        for email in recipients
    )
