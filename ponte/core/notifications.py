"""In-app and e-mail notifications, honouring each person's choice per kind of event.

Every notification appears on Ponte. Its e-mail goes out straight away, in the next
daily digest, or not at all, as the recipient chose for that kind (or the kind's
default). E-mails are written in the recipient's language and sent by background
tasks after the transaction that caused them commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import EmailChannel, Notification, NotificationPreference
from .pagecache import every_page, forget_person, kept_for_person
from .registry import registry


def channel_for(user, kind: str) -> str:
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if preference is not None:
        return preference.email_channel
    return registry.notification_kind(kind).default_channel


def preferences_of(user) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email_channel"))
    return {key: chosen.get(key, kind.default_channel) for key, kind in registry.notification_kinds.items()}


@transaction.atomic
def set_preferences(user, choices: dict[str, str]) -> None:
    for kind, channel in choices.items():
        if kind not in registry.notification_kinds or channel not in EmailChannel.values:
            raise ValueError(f"Unknown notification kind or channel: {kind}={channel}")
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email_channel": channel})


def notify(recipients: Iterable, kind: str, *, params: dict | None = None, url: str = "") -> list[Notification]:
    """Notify each recipient (users; duplicates and inactive accounts skipped)."""
    from .tasks import send_notification_email

    seen: set[int] = set()
    created = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notification = Notification.objects.create(
            recipient=user, kind=kind, params=params or {}, url=url, email_channel=channel_for(user, kind)
        )
        created.append(notification)
        if notification.email_channel == EmailChannel.IMMEDIATE:
            transaction.on_commit(lambda pk=notification.pk: send_notification_email.enqueue(notification_id=pk))
    forget_person(*seen)  # their unread counts
    return created


def absolute(url: str) -> str:
    return f"{settings.PONTE_BASE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def email_notification(notification: Notification) -> bool:
    user = notification.recipient
    # An account deactivated since the notification was made receives no more e-mail.
    if notification.emailed_at is not None or not user.is_active:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        message = notification.message
        context = {
            "user": user,
            "notifications": [notification],
            "message": message,
            "url": absolute(notification.url),
            "base_url": settings.PONTE_BASE_URL,
        }
        subject = f"[Ponte] {message}"[:200]
        body = render_to_string("core/email/notification.txt", context)
    send_mail(subject, body, None, [user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def send_digests() -> int:
    """Send one e-mail per person gathering their digest notifications; returns how many."""
    pending = (
        Notification.objects.filter(
            email_channel=EmailChannel.DIGEST, emailed_at__isnull=True, recipient__is_active=True
        )
        .select_related("recipient")
        .order_by("recipient_id", "kind", "created_at")
    )
    sent = 0
    for user, items in groupby(pending, key=lambda n: n.recipient):
        items = list(items)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            groups = [
                {"label": registry.notification_kind(kind).label, "items": list(group)}
                for kind, group in groupby(items, key=lambda n: n.kind)
            ]
            context = {"user": user, "groups": groups, "base_url": settings.PONTE_BASE_URL, "count": len(items)}
            subject = render_to_string("core/email/digest_subject.txt", context).strip()
            body = render_to_string("core/email/digest.txt", context)
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
        sent += 1
    return sent


UNREAD = every_page("unread")
# Where the person was read with their unread count (accounts' backend annotates it), the
# count is taken from there: no query of its own.
UNREAD_READ_WITH_PERSON = "unread_now"


def unread_expression():
    """The number of a person's unread notifications, to annotate where the person is read."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def unread_count(user) -> int:
    """How many notifications a person has not read: the menu and the home page both show it,
    so it is counted once a request — with the person, where they were read so — and kept on
    the user object."""
    read_with_person = getattr(user, UNREAD_READ_WITH_PERSON, None)
    if read_with_person is not None:
        return read_with_person
    cached = getattr(user, "_ponte_unread", None)
    if cached is None:
        cached = user._ponte_unread = kept_for_person(
            user.pk, UNREAD, lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        )
    return cached


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    if hasattr(user, "_ponte_unread"):
        del user._ponte_unread
    if getattr(user, UNREAD_READ_WITH_PERSON, None) is not None:
        delattr(user, UNREAD_READ_WITH_PERSON)
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    marked = unread.update(read_at=timezone.now())
    forget_person(user.pk)  # after the change: outside a transaction, this runs at once
    return marked
