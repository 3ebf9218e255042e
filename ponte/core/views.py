import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import attachments, audit, notifications, search
from .models import Attachment, Notification
from .pagecache import forget_person, kept_part, public_page
from .paging import paginate
from .registry import registry

logger = logging.getLogger("ponte")


@public_page
def home(request):
    context = {}
    user = request.user
    if user.is_authenticated:
        # What waits for a person is theirs alone and holds no form: kept for them until the
        # next change, so that reading their home again reads none of it.
        context["work"] = kept_part(
            request,
            "home",
            lambda: render_to_string(
                "core/home.html#work",
                {
                    "actions": registry.actions_for(user),
                    "figures": registry.figures_with_values(user),
                    "sections": registry.home_sections_for(user),
                },
                request,
            ),
            for_person=True,
        )
    return render(request, "core/home.html", context)


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("readiness: database unreachable")
        checks["database"] = "unavailable"
    if settings.REDIS_URL:
        try:
            cache.set("ponte:readyz", "1", 5)
            checks["redis"] = "ok" if cache.get("ponte:readyz") == "1" else "unavailable"
        except Exception:
            logger.exception("readiness: redis unreachable")
            checks["redis"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


@public_page
def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    if kind not in registry.search_sources:
        kind = ""
    results, page = None, None
    if query:
        try:
            # Capped, so that an absurd page number cannot overflow the database's OFFSET.
            number = min(max(1, int(request.GET.get("page", 1))), 1000)
        except ValueError:
            number = 1
        per_page = 20
        results = search.search(
            query, user=request.user, kind=kind or None, limit=per_page, offset=(number - 1) * per_page
        )
        page = {"number": number, "has_next": results.total > number * per_page, "has_previous": number > 1}
    kinds = [(key, source.label) for key, source in registry.search_sources.items()]
    return render(
        request, "core/search.html", {"query": query, "kind": kind, "kinds": kinds, "results": results, "page": page}
    )


@public_page
def open_data(request):
    return render(request, "core/open_data.html", {"exports": registry.exports})


@login_required
def notification_list(request):
    if request.method == "POST":
        notifications.mark_read(request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("notifications")

    def listing() -> str:
        page = paginate(request, Notification.objects.filter(recipient=request.user))
        if not page.object_list:
            return ""
        return render_to_string("core/notifications.html#listing", {"page": page}, request)

    # The person's own, kept for them until a notification reaches them or is read.
    return render(
        request, "core/notifications.html", {"listing": kept_part(request, "notifications", listing, for_person=True)}
    )


@login_required
@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(request.user, [notification.pk])
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, None) else ""
    return redirect(target or "notifications")


@login_required
def audit_trail(request):
    if not request.user.has_perm("core.view_audit_trail"):
        raise PermissionDenied
    events = audit.events_visible_to(request.user).select_related("actor", "target_type")
    person = None
    target_type = target_id = None
    if request.GET.get("person"):
        person = (
            get_user_model().objects.filter(pk=request.GET["person"]).first()
            if request.GET["person"].isascii() and request.GET["person"].isdigit()
            else None
        )
        if person is None:
            raise Http404
        events = events.filter(actor=person)
    if request.GET.get("type") and request.GET.get("id"):
        # A NUL or other control character is no type or id, and PostgreSQL refuses it in a query.
        if not (request.GET["type"].isprintable() and request.GET["id"].isprintable()):
            raise Http404
        try:
            app_label, model = request.GET["type"].split(".", 1)
            target_type = ContentType.objects.get(app_label=app_label, model=model)
        except (ValueError, ContentType.DoesNotExist):
            raise Http404 from None
        target_id = request.GET["id"][:64]
        events = events.filter(target_type=target_type, target_id=target_id)
    return render(
        request,
        "core/audit.html",
        {
            "page": paginate(request, events, per_page=50),
            "person": person,
            "target_type": target_type,
            "target_id": target_id,
        },
    )


def attachment_download(request, pk):
    """A file, to whoever may see its target: the documents of a published challenge are
    public; anyone else who is not signed in is asked to sign in first."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None or not attachments.can_download(request.user, attachment):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    response = FileResponse(
        attachments.open_file(attachment),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def set_language(request):
    """Switch the interface language; a signed-in person keeps the choice on their account
    (with a POST), a visitor in the language cookie (a GET, so that visitors' pages hold no
    CSRF token and can be kept for every visitor)."""
    if request.method == "GET" and not request.user.is_authenticated:
        return _visitor_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and check_for_language(language)
        and language in {code for code, _name in settings.LANGUAGES}
    ):
        get_user_model().objects.filter(pk=request.user.pk).update(language=language)
        forget_person(request.user.pk)  # the person is kept between requests, language and all
        request.user.language = language
    response = django_set_language(request)
    if not isinstance(response, HttpResponseRedirect):
        return redirect("home")
    return response


def _visitor_language(request):
    language = request.GET.get("language", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if language in {code for code, _name in settings.LANGUAGES} and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def csrf_failure(request, reason=""):
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    return render(request, "500.html", status=500)


def bad_request(request, exception=None):
    logger.warning("Bad request on %s: %s", request.path, exception)
    return render(request, "400.html", status=400)
