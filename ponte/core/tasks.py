from django.tasks import task

from . import notifications
from .models import Notification


@task
def send_notification_email(notification_id: int) -> bool:
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None:
        return False
    return notifications.email_notification(notification)


@task
def send_daily_digests() -> int:
    return notifications.send_digests()
