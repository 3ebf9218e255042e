"""Certificates: the holder reads theirs, downloads it as PDF and chooses whether to publish it as
an Open Badge; anyone checks a code; badge wallets fetch the Open Badges documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core.notifications import absolute
from ponte.core.pagecache import public_page

from .. import badges
from ..models import Course
from ..pdf import certificate_pdf
from ..queries import certificates as queries
from ..services import certificates as services


def _own(request, pk):
    found = queries.own_certificate(request.user, pk)
    if found is None:
        raise Http404
    return found


@login_required
def certificate_detail(request, pk):
    certificate = _own(request, pk)
    context = {
        "certificate": certificate,
        "verify_address": absolute(certificate.verify_url),
        "assertion_address": badges.assertion_id(certificate) if certificate.badge_published else "",
    }
    return render(request, "learning/certificates/detail.html", context)


@login_required
def certificate_download(request, pk):
    certificate = _own(request, pk)
    if not certificate.is_valid:
        raise Http404  # revoked: no copy that reads as valid is made any more
    body = certificate_pdf(certificate, verify_address=absolute(certificate.verify_url), language=get_language())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
@require_POST
def badge_consent(request, pk):
    certificate = _own(request, pk)
    consent = request.POST.get("publish") == "yes"
    services.badge_consent_set(actor=request.user, certificate=certificate, consent=consent)
    if consent:
        messages.success(
            request, _("Your certificate is published as an Open Badge: add its address to your badge wallet.")
        )
    else:
        messages.success(request, _("Your certificate is no longer published as an Open Badge."))
    return redirect(certificate)


@public_page
def verify(request):
    """Check a code: the name, the course and the date, and nothing else."""
    typed = (request.GET.get("code") or "").strip()[:40].replace("\x00", "")
    certificate = queries.certificate_by_code(typed) if typed else None
    context = {"typed": typed, "certificate": certificate, "checked": bool(typed)}
    return render(request, "learning/certificates/verify.html", context)


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public_page
def badge_issuer(request):
    return _json(badges.issuer())


@public_page
def badge_class(request, pk):
    course = Course.objects.prefetch_related("skills").filter(pk=pk).first()
    if course is None:
        raise Http404
    return _json(badges.badge_class(course))


@public_page
def badge_image(request, pk):
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        raise Http404
    response = render(request, "learning/certificates/badge.svg", {"course": course}, content_type="image/svg+xml")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge_assertion(request, code):
    certificate = queries.published_badge(code)
    if certificate is None:
        raise Http404
    return _json(badges.assertion(certificate), status=410 if certificate.revoked_at else 200)
