"""Demo comments for ``seed_demo``: a conversation on Globex's Q1 consulting invoice to Acme,
shared and internal on both sides, with mentions. Skipped when that invoice already has one."""

from accounts.models import User
from comments import services
from comments.models import Comment
from payables.models import Payable

INVOICE = "DEMO-GLX-002"

# (author's e-mail, visibility, text), in order
THREAD = [
    (
        "aaron@acme.example",
        "internal",
        "@alice@acme.example the implementation hours look higher than the SOW. OK to approve?",
    ),
    (
        "alice@acme.example",
        "internal",
        "Let's ask Globex for the timesheet before approving.",
    ),
    (
        "aaron@acme.example",
        "shared",
        "Could you send the timesheet for the 5 implementation hours?",
    ),
    (
        "gina@globex.example",
        "internal",
        "@gus@globex.example can you pull the timesheet for Acme?",
    ),
    (
        "gina@globex.example",
        "shared",
        "Of course: the hours were on site on March 12. Gus will attach the timesheet today.",
    ),
]


def seed_comments() -> list[Comment]:
    payable = Payable.objects.filter(invoice_number=INVOICE).first()
    if payable is None or Comment.objects.filter(payable=payable).exists():
        return []
    people = {u.email: u for u in User.objects.filter(email__in={a for a, _v, _t in THREAD})}
    made = []
    for email, visibility, text in THREAD:
        author = people.get(email)
        if author is None:
            continue
        made.append(
            services.comment_create(
                payable_id=payable.pk, actor=author, body=text, visibility=visibility
            )
        )
    return made
