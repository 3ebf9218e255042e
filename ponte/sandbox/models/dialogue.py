"""The dialogue on an application once it is sent: the applicants, the responsible ministry
and the programme managers write to each other, reply to one another and attach files. The
requests that move the application (changes asked, the final application invited) are part of
the conversation, so that it holds why the application went where it went."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MESSAGE_LIMIT = 10000


class Side(models.TextChoices):
    APPLICANTS = "applicants", _("the applicants")
    MINISTRY = "ministry", _("the ministry")
    PROGRAMME = "programme", _("the programme managers")


class Message(models.Model):
    application = models.ForeignKey("sandbox.Application", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # On whose behalf: the applying body, the ministry, or the innovation unit (programme managers).
    side = models.CharField(max_length=16, choices=Side.choices)
    body = models.TextField(_("message"))
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies", verbose_name=_("in reply to")
    )
    # The transition the message came with ("ask_changes", "invite_final", …), or empty.
    action = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"], name="sandbox_message_by_application")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.application.reference} #{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.application.get_absolute_url()}#message-{self.pk}"
