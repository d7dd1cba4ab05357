"""
A small world for the reliability tests: two connected businesses with every role on each side,
objects of every kind in several states, and businesses they must never see.

- Globex (``payee``) invoices Acme (``payer``) over one active connection; each side has an
  owner, admin, accountant, approver and viewer.
- Acme also pays Initech (``third``): Globex must never see that connection or its payables.
- Umbrella (``outsider``) pays Hooli over a connection of their own, with objects of every kind:
  the ``outsider`` principal (Umbrella's owner) must see nothing of the others, and they nothing
  of it.

Every payable is brought to its status through the services, so its timeline is real and the
invariants hold from the start. ``world.ids(...)`` names the IDs a principal must never read.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.invitations import member_invite
from accounts.models import Business, MemberInvitation, Role, User
from approvals.delegation import delegation_create
from approvals.models import ApprovalWorkflow, CustomFieldDefinition
from connections.models import Connection, Tag
from files.models import File
from payables import services
from payables.models import Payable
from tests import factories

ROLES = ("owner", "admin", "accountant", "approver", "viewer")
SIDES = ("payee", "payer")
# Every principal of the matrix: each role on each side, and the unrelated business's owner.
PRINCIPALS = (*tuple(f"{side}.{role}" for side in SIDES for role in ROLES), "outsider")


def today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


@dataclass
class World:
    payee: Business
    payer: Business
    third: Business
    outsider_business: Business
    outsider_partner: Business
    connection: Connection
    third_connection: Connection
    outsider_connection: Connection
    # Globex invites Acme to be paid by Globex: pending, Acme's to accept.
    pending_connection: Connection
    people: dict[str, User] = field(default_factory=dict)
    payables: dict[str, Payable] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    files: dict[str, File] = field(default_factory=dict)
    workflows: dict[str, ApprovalWorkflow] = field(default_factory=dict)
    custom_fields: dict[str, CustomFieldDefinition] = field(default_factory=dict)
    invitations: dict[str, MemberInvitation] = field(default_factory=dict)
    # Objects the later issues add (approval requests, notifications...): name -> object
    extra: dict[str, object] = field(default_factory=dict)

    def user(self, principal: str) -> User:
        return self.people[principal]

    def business_of(self, principal: str) -> Business:
        if principal == "outsider":
            return self.outsider_business
        return self.payee if principal.startswith("payee.") else self.payer

    # --- what each principal must never read --------------------------------------------------------
    def outsider_ids(self) -> set[str]:
        """Umbrella's world: nothing of it may reach Globex's or Acme's people."""
        ids = {
            self.outsider_business.id,
            self.outsider_partner.id,
            self.outsider_connection.id,
            self.people["outsider"].id,
        }
        ids |= {obj.id for name, obj in self._named() if name.startswith("outsider")}
        return ids

    def _named(self):
        for group in (
            self.payables,
            self.tags,
            self.files,
            self.workflows,
            self.custom_fields,
            self.invitations,
            self.extra,
        ):
            yield from group.items()

    def forbidden_for(self, principal: str) -> set[str]:
        """IDs ``principal`` must never find in any response."""
        if principal == "outsider":
            ids = {self.payee.id, self.payer.id, self.third.id}
            ids |= {self.connection.id, self.third_connection.id, self.pending_connection.id}
            ids |= {u.id for name, u in self.people.items() if not name.startswith("outsider")}
            ids |= {obj.id for name, obj in self._named() if not name.startswith("outsider")}
            return ids
        ids = self.outsider_ids()
        private_prefix = "payer" if principal.startswith("payee.") else "payee"
        ids |= {obj.id for name, obj in self._named() if name.startswith(private_prefix + "_")}
        if principal.startswith("payee."):
            # Acme's other vendor and everything on that connection.
            ids |= {self.third.id, self.third_connection.id}
            ids |= {obj.id for name, obj in self._named() if name.startswith("third")}
        return ids


def payable_in(world: World, status: str, *, connection=None, actor=None, approver=None, **fields):
    """A payable brought to ``status`` through the services (a real timeline)."""
    connection = connection or world.connection
    actor = actor or world.people["payee.owner"]
    approver = approver or world.people["payer.approver"]
    payer_owner = world.people["payer.owner"]
    if connection == world.outsider_connection:
        approver = payer_owner = world.people["outsider"]
        actor = world.people["outsider.partner"]
    fields.setdefault("amount", Decimal("125.00"))
    payable = services.payable_create(
        business_id=connection.payee_id, actor=actor, connection_id=connection.id, **fields
    )
    if status == "DRAFT":
        return payable
    if status == "CANCELLED":
        services.payable_cancel(payable_id=payable.id, actor=actor, reason="Sent twice")
        return Payable.objects.get(pk=payable.pk)
    services.payable_submit(payable_id=payable.id, actor=actor)
    if status == "DECLINED":
        services.payable_decline(payable_id=payable.id, actor=approver, reason="No PO")
    if status in ("APPROVED", "SCHEDULED", "PAID"):
        services.payable_approve(payable_id=payable.id, actor=approver)
    if status == "SCHEDULED":
        on = today() + datetime.timedelta(days=7)
        services.payable_schedule(payable_id=payable.id, actor=payer_owner, on=on)
    if status == "PAID":
        services.payable_pay(payable_id=payable.id, actor=payer_owner)
    return Payable.objects.get(pk=payable.pk)


def build_world() -> World:
    # The suite's one "Acme pays Globex" (no people: each role is added below, on both sides).
    base = factories.acme_pays_globex(people=(), outsider=False)
    payee, payer = base.payee, base.payer
    third = factories.BusinessFactory(name="Initech")
    outsider_business = factories.BusinessFactory(name="Umbrella")
    outsider_partner = factories.BusinessFactory(name="Hooli")
    world = World(
        payee=payee,
        payer=payer,
        third=third,
        outsider_business=outsider_business,
        outsider_partner=outsider_partner,
        connection=base.connection,
        third_connection=factories.ConnectionFactory(payer=payer, payee=third),
        outsider_connection=factories.ConnectionFactory(
            payer=outsider_business, payee=outsider_partner
        ),
        pending_connection=factories.ConnectionFactory(
            payer=payee, payee=payer, invited_by_business=payee, status="pending", accepted_at=None
        ),
    )
    for side, business, domain in (("payee", payee, "globex"), ("payer", payer, "acme")):
        for role in ROLES:
            world.people[f"{side}.{role}"] = factories.member(
                business, role, email=f"{role}@{domain}.test"
            )
    world.people["outsider"] = factories.member(outsider_business, Role.OWNER, email="o@umb.test")
    world.people["outsider.partner"] = factories.member(
        outsider_partner, Role.OWNER, email="o@hooli.test"
    )
    world.people["third.owner"] = factories.member(third, Role.OWNER, email="o@initech.test")

    # Tags: each side's own, on the shared connection; the outsider's on its own.
    world.tags["payee_tag"] = factories.tag_on(world.connection, payee, "globex-tag")
    world.tags["payer_tag"] = factories.tag_on(world.connection, payer, "acme-tag")
    world.tags["outsider_tag"] = factories.tag_on(
        world.outsider_connection, outsider_business, "umbrella-tag"
    )
    # Files: one attached to a submitted invoice (both sides may read it), one private per side.
    world.files["payee_file_private"] = factories.FileFactory(business=payee)
    world.files["shared_file"] = factories.FileFactory(business=payee)
    world.files["payer_file_private"] = factories.FileFactory(business=payer)
    world.files["outsider_file"] = factories.FileFactory(business=outsider_partner)

    # Payables on the shared connection, one per status.
    for status in ("DRAFT", "SUBMITTED", "APPROVED", "DECLINED", "SCHEDULED", "PAID", "CANCELLED"):
        extra = {}
        if status == "SUBMITTED":
            extra = {"attachments": [world.files["shared_file"].id]}
        world.payables[status.lower()] = payable_in(world, status, **extra)
    # The payee's drafts are its own: prefixed so the payer side must never see them.
    world.payables["payee_draft"] = world.payables.pop("draft")
    world.payables["payee_cancelled_draft"] = world.payables.pop("cancelled")
    world.payables["third_submitted"] = payable_in(
        world,
        "SUBMITTED",
        connection=world.third_connection,
        actor=world.people["third.owner"],
    )
    world.payables["outsider_submitted"] = payable_in(
        world, "SUBMITTED", connection=world.outsider_connection
    )

    # Approval workflows and custom fields belong to the payer (the outsider has its own). The
    # workflow's threshold keeps it from applying to the world's payables.
    world.workflows["payer_workflow"] = factories.approval_workflow(
        payer, steps=[{"roles": ["approver"], "required": 1}], min_amount=Decimal("900000.00")
    )
    world.workflows["outsider_workflow"] = factories.approval_workflow(
        outsider_business, steps=[{"roles": ["owner"], "required": 1}]
    )
    world.custom_fields["shared_custom_field"] = factories.CustomFieldDefinitionFactory(
        business=payer, key="po_number", label="PO number"
    )
    world.custom_fields["outsider_custom_field"] = factories.CustomFieldDefinitionFactory(
        business=outsider_business, key="cost_center", label="Cost center"
    )
    # The payer's review round of the submitted invoice, and a notification each side's owner
    # received (notifications belong to one person).
    from notifications.models import Notification

    submitted = world.payables["submitted"]
    world.extra["payer_approval_request"] = submitted.approval_requests.get()
    world.extra["payer_notification"] = Notification.objects.filter(
        user=world.people["payer.owner"]
    ).earliest("created_at")
    world.extra["payee_notification"] = Notification.objects.filter(
        user=world.people["payee.owner"]
    ).earliest("created_at")
    world.extra["outsider_notification"] = Notification.objects.filter(
        user=world.people["outsider"]
    ).earliest("created_at")
    # Credits: Globex's to Acme on the shared connection, Hooli's to Umbrella on theirs.
    from credits.models import Credit

    world.extra["shared_credit"] = Credit.objects.create(
        connection=world.connection, payee=payee, payer=payer, amount=Decimal("10.00")
    )
    world.extra["outsider_credit"] = Credit.objects.create(
        connection=world.outsider_connection,
        payee=outsider_partner,
        payer=outsider_business,
        amount=Decimal("10.00"),
    )
    # Webhook endpoints of Acme and of Hooli, each with a failed delivery of a test event. Their
    # loopback URLs are refused at delivery at once (no network): a worker that dispatches the
    # world's events never waits on them.
    from webhooks.models import Delivery, Event, WebhookEndpoint

    for name, business in (("payer", payer), ("outsider", outsider_business)):
        hook = WebhookEndpoint.objects.create(
            business=business,
            url=f"https://127.0.0.1/{name}",
            events=["*"],
            secret="whsec_dGVzdA==",
        )
        event = Event(business=business, type="webhook.test", subject_type="webhook")
        event.subject_id = event.source_id = event.pk
        event.data = {"webhookId": hook.pk}
        event.save()
        world.extra[f"{name}_webhook"] = hook
        world.extra[f"{name}_delivery"] = Delivery.objects.create(
            endpoint=hook, event=event, status="failed"
        )
    # CSV imports of payables: one of Globex's and one of Hooli's, waiting for their job.
    from imports.models import Import

    for name, business in (("payee", payee), ("outsider", outsider_business)):
        world.extra[f"{name}_import"] = Import.objects.create(
            business=business,
            mode="draft",
            filename=f"{name}.csv",
            size=1,
            sha256=name,
            stored=f"imports/{name}.csv",
            total=1,
        )
    # Open member invitations of each business.
    for name, business, owner in (
        ("payee_invitation", payee, world.people["payee.owner"]),
        ("payer_invitation", payer, world.people["payer.owner"]),
        ("outsider_invitation", outsider_business, world.people["outsider"]),
    ):
        world.invitations[name] = member_invite(
            business_id=business.id,
            email=f"new-{name}@example.test",
            role="viewer",
            actor=owner,
        )
    # One addressed to a person of the world: only they may accept or decline it.
    world.invitations["payee_invitation_to_viewer"] = MemberInvitation.objects.create(
        business=payee,
        email=world.people["payee.viewer"].email,
        role="approver",
        invited_by=world.people["payee.owner"],
    )
    _bank_accounts_and_a_run(world)
    _comments(world)
    return world


def _comments(world: World) -> None:
    """A shared comment of the payee's owner, each side's internal note, and Umbrella's."""
    from comments.services import comment_create

    submitted = world.payables["submitted"].id
    for name, author, visibility, payable_id in (
        ("shared_comment", "payee.owner", "shared", submitted),
        ("payee_internal_comment", "payee.owner", "internal", submitted),
        ("payer_internal_comment", "payer.owner", "internal", submitted),
        ("outsider_comment", "outsider", "shared", world.payables["outsider_submitted"].id),
    ):
        world.extra[name] = comment_create(
            payable_id=payable_id,
            actor=world.people[author],
            body=f"A comment ({name}).",
            visibility=visibility,
        )


def _verified_default(business, owner, purpose: str, routing: str, number: str):
    from banking import services as banking_services
    from banking.models import SANDBOX_MICRO_DEPOSITS

    account = banking_services.bank_account_create(
        business_id=business.id,
        actor=owner,
        name=f"{business.name} {purpose}",
        routing_number=routing,
        account_number=number,
        account_type="checking",
    )
    banking_services.bank_account_verify(
        bank_account_id=account.id, actor=owner, amounts=list(SANDBOX_MICRO_DEPOSITS)
    )
    return banking_services.bank_account_update(
        bank_account_id=account.id, actor=owner, changes={"defaultFor": purpose}
    )


def _bank_accounts_and_a_run(world: World) -> None:
    """Each business's verified default account, and Acme's run of one bill a week ahead."""
    from banking import runs

    world.extra["payer_bank_account"] = _verified_default(
        world.payer, world.people["payer.owner"], "paying", "021000021", "400012345678"
    )
    world.extra["payee_bank_account"] = _verified_default(
        world.payee, world.people["payee.owner"], "receiving", "011000015", "700012345"
    )
    world.extra["outsider_bank_account"] = _verified_default(
        world.outsider_business, world.people["outsider"], "paying", "121000358", "880012349"
    )
    world.payables["in_run"] = payable_in(world, "APPROVED", invoice_number="RUN-1")
    world.extra["payer_run"] = runs.payment_run_create(
        business_id=world.payer.id,
        actor=world.people["payer.owner"],
        payable_ids=[world.payables["in_run"].id],
        on=today() + datetime.timedelta(days=7),
    )
    # The approver away for two days next autumn, the owner holding their approvals: dated
    # well ahead, so nothing awaits anyone else today.
    world.extra["payer_delegation"] = delegation_create(
        business_id=world.payer.id,
        actor=world.people["payer.approver"],
        to_user_id=world.people["payer.owner"].id,
        starts_on=today() + datetime.timedelta(days=300),
        ends_on=today() + datetime.timedelta(days=301),
    )
