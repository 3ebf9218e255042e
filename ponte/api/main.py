"""The public REST API: one NinjaAPI object; each app contributes a router from its api.py.

Errors are JSON problem details (RFC 9457): a type, a title a person can read, the
status, a detail, and for invalid input the list of what is wrong where.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from ponte.accounts.api_auth import PersonThrottle, Visitor, VisitorThrottle
from ponte.core.api import Problem

from .docs import ReadableDocs

PROBLEM = "application/problem+json"


class PonteOpenAPISchema(OpenAPISchema):
    """Describes, for every operation, what the API layer itself can answer besides the
    route's own responses — refused credentials, invalid input, throttling — as
    application/problem+json, and marks credentials optional where anyone may call."""

    def operation_security(self, operation):
        security = super().operation_security(operation)
        if security and any(isinstance(auth, Visitor) for auth in operation.auth_callbacks):
            security.append({})
        return security

    def operation_details(self, operation):
        details = super().operation_details(operation)
        responses = details["responses"]
        security = details.get("security", [])
        if security:
            responses.setdefault(401, {"description": "Unauthorized"})
        if any("Session" in requirement for requirement in security):
            # A session needs the CSRF token to write, and staff need a second factor.
            responses.setdefault(403, {"description": "Forbidden"})
        if details.get("requestBody"):
            responses.setdefault(400, {"description": "Bad Request"})  # a body that is not JSON
        if details.get("parameters") or details.get("requestBody"):
            responses.setdefault(422, {"description": "Unprocessable Content"})
        responses.setdefault(429, {"description": "Too Many Requests"})
        for status, response in responses.items():
            if int(status) >= 400:
                response["content"] = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        self.schemas.setdefault("Problem", Problem.model_json_schema(mode="serialization"))
        return details


class PonteAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return PonteOpenAPISchema(self, path_prefix)


api = PonteAPI(
    title="Ponte API",
    version="1",
    description=(
        "The public API of Ponte, the platform for government innovation programmes. "
        "Public data needs no credentials. Personal tokens (created on your account page) "
        "go in the header `Authorization: Bearer <token>`; read-only tokens cannot write."
    ),
    urls_namespace="api",
    docs=ReadableDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[VisitorThrottle(), PersonThrottle()],
)


def problem(request, status: int, title: str, detail: str = "", **extra):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc):
    errors = [
        {"location": ".".join(str(part) for part in error.get("loc", [])), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return problem(
        request, 422, _("The request is not valid."), _("See the errors for what to correct."), errors=errors
    )


@api.exception_handler(ValidationError)
def on_refused(request, exc):
    errors = [
        {"location": field, "message": message}
        for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items()
        for message in messages
    ]
    return problem(request, 400, _("The request was refused."), " ".join(exc.messages), errors=errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    response = problem(
        request, 401, _("Authentication required."), _("Sign in, or send a valid personal token as a Bearer token.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return problem(request, 403, _("Not allowed."), _("You may not do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem(request, 404, _("Not found."))


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    return problem(request, 429, _("Too many requests."), _("Slow down and try again in a minute."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return problem(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from ponte.accounts.api import router as accounts_router
    from ponte.challenges.api import router as challenges_router
    from ponte.exchange.api import router as exchange_router
    from ponte.lab.api import router as lab_router
    from ponte.learning.api import router as learning_router
    from ponte.organisations.api import router as organisations_router
    from ponte.recognition.api import router as recognition_router
    from ponte.sandbox.api import router as sandbox_router
    from ponte.solutions.api import router as solutions_router

    from .insights import router as insights_router

    api.add_router("/me/", accounts_router)
    api.add_router("/organisations/", organisations_router)
    api.add_router("/challenges/", challenges_router)
    api.add_router("/solutions/", solutions_router)
    api.add_router("/lab/", lab_router)
    api.add_router("/exchange/", exchange_router)
    api.add_router("/sandbox/", sandbox_router)
    api.add_router("/learning/", learning_router)
    api.add_router("/recognition/", recognition_router)
    api.add_router("/insights/", insights_router)


_register_routers()
