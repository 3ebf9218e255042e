from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Invitation


@task
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail an invitation to someone who has no Ponte account yet, in the inviter's language."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != "pending":
        return False
    language = getattr(invitation.invited_by, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "invitation": invitation,
            "url": settings.PONTE_BASE_URL.rstrip("/")
            + reverse("organisations:invitation", kwargs={"token": invitation.token}),
        }
        subject = render_to_string("organisations/email/invitation_subject.txt", context).strip()
        body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True
