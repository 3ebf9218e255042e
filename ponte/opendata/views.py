"""The OCDS endpoints: thin views over ponte.opendata.ocds. Bad input gets a 400 in JSON."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ponte.core.pagecache import public_page

from . import ocds

JSON_OPTIONS = {"ensure_ascii": False}


class BadQuery(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors


def _problem(status: int, title: str, detail: str, errors: list[dict] | None = None) -> JsonResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status, json_dumps_params=JSON_OPTIONS)
    response["Content-Type"] = "application/problem+json"
    return response


def _bad_request(errors: list[dict]) -> JsonResponse:
    return _problem(400, _("Bad request"), _("The query parameters are not valid."), errors)


def _single(request, allowed: set[str]) -> dict[str, str]:
    """The query parameters, each given at most once, none unknown."""
    errors = [
        {
            "parameter": name,
            "message": _("Unknown parameter; known: %(known)s.") % {"known": ", ".join(sorted(allowed))},
        }
        for name in request.GET
        if name not in allowed
    ]
    errors += [
        {"parameter": name, "message": _("Give this parameter once.")}
        for name in request.GET
        if name in allowed and len(request.GET.getlist(name)) > 1
    ]
    if errors:
        raise BadQuery(errors)
    return {name: request.GET[name] for name in request.GET}


def _moment(value: str) -> datetime:
    """An ISO 8601 date-time (UTC when no offset is given) or date (its start, UTC)."""
    message = _("Give a date-time as YYYY-MM-DDTHH:MM:SS with an offset (e.g. 2026-03-01T09:00:00Z), or a date.")
    if len(value) > 40 or "\x00" in value:
        raise BadQuery([{"parameter": "since", "message": message}])
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day is not None else None
        if moment is None:
            raise ValueError(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadQuery([{"parameter": "since", "message": message}]) from None


def _json(data: dict) -> JsonResponse:
    return _open(JsonResponse(data, json_dumps_params=JSON_OPTIONS))


def _open(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any page
    return response


@public_page
@require_safe
def releases(request):
    """Every public release, oldest first, 100 a page; `links.next` asks for the next page."""
    try:
        params = _single(request, {"since"})
        since = _moment(params["since"]) if "since" in params else None
    except BadQuery as bad:
        return _bad_request(bad.errors)
    keys, next_since = ocds.release_page(since=since)
    next_url = ""
    if next_since is not None:
        next_url = request.build_absolute_uri(
            reverse("opendata:ocds_releases") + "?" + urlencode({"since": ocds.iso(next_since)})
        )
    package = ocds.release_package(keys, uri=request.build_absolute_uri(), next_url=next_url)
    return _open(HttpResponse(package, content_type="application/json"))


@public_page
@require_safe
def records(request):
    """Every public challenge's record, by ocid, 100 a page; `links.next` asks for the next page."""
    try:
        params = _single(request, {"after"})
        after = None
        if "after" in params:
            after = ocds.pk_from_ocid(params["after"])
            if after is None:
                raise BadQuery(
                    [
                        {
                            "parameter": "after",
                            "message": _("Give an ocid of this publisher, e.g. %(example)s.")
                            % {"example": f"{ocds.prefix()}-1"},
                        }
                    ]
                )
    except BadQuery as bad:
        return _bad_request(bad.errors)
    challenges, next_after = ocds.record_page(after=after)
    next_url = ""
    if next_after is not None:
        next_url = request.build_absolute_uri(
            reverse("opendata:ocds_records") + "?" + urlencode({"after": f"{ocds.prefix()}-{next_after}"})
        )
    package = ocds.record_package(challenges, uri=request.build_absolute_uri(), next_url=next_url)
    return _json(package)


@public_page
@require_safe
def record(request, ocid: str):
    """The record package of one challenge. A challenge never published answers as one that
    does not exist."""
    pk = ocds.pk_from_ocid(ocid)
    challenge = ocds.public_challenge(pk) if pk is not None else None
    if challenge is None:
        return _problem(404, _("Not found"), _("There is no public record with this ocid."))
    package = ocds.record_package([challenge], uri=request.build_absolute_uri())
    return _json(package)
