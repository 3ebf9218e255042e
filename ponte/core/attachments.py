"""Safe file attachments.

A file is judged by its content, never by its name: the type is sniffed from the
bytes, must be one Ponte accepts, and must agree with the name's extension (a renamed
executable is refused). Pictures are written again from their pixels, so they keep no
metadata. Files are stored outside the web root under a random name and
are only served by a view that checks the permission registered for their target.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from typing import TYPE_CHECKING

import puremagic
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import audit
from .models import Attachment, private_storage
from .registry import registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# Accepted types: what the content must be, and the extensions a name may carry for it.
ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
}
TEXT_EXTENSIONS = {".txt": "text/plain", ".csv": "text/csv"}
ZIP_CONTAINERS = {".docx", ".xlsx", ".pptx", ".odt", ".ods"}


def clean_name(name: str) -> str:
    """The uploader's file name, refused if it tries to be a path or hides characters."""
    name = unicodedata.normalize("NFC", name or "")
    if not name.strip() or len(name) > 200:
        raise ValidationError(_("Give the file a name of at most 200 characters."), code="bad_name")
    if "/" in name or "\\" in name or name in {".", ".."} or name.startswith(".") or ".." in name:
        raise ValidationError(
            _("The file name “%(name)s” is not allowed: it must not contain a path."),
            code="path_in_name",
            params={"name": name},
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError(_("The file name contains characters that are not allowed."), code="bad_name")
    return name


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _sniff(head: bytes, extension: str) -> str | None:
    """The type the content really is, or None when it is none Ponte accepts."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    mimes = {m.mime_type for m in matches if m.mime_type}
    for mime, extensions in ACCEPTED_TYPES.items():
        if mime in mimes and extension in extensions:
            return mime
    # Office files are ZIP containers: the extension chooses among what a ZIP may be.
    if extension in ZIP_CONTAINERS and head.startswith(b"PK\x03\x04"):
        return next(mime for mime, exts in ACCEPTED_TYPES.items() if extension in exts)
    if extension in TEXT_EXTENSIONS and not mimes - {"text/plain", "text/csv"}:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            if error.start < len(head) - 3:
                return None
        if b"\x00" not in head:
            return TEXT_EXTENSIONS[extension]
    return None


def validate_upload(uploaded) -> tuple[str, str]:
    """Check an uploaded file; returns (clean name, content type) or raises ValidationError."""
    name = clean_name(uploaded.name)
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty."), code="empty", params={"name": name})
    if uploaded.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; files may be at most %(limit)s."),
            code="too_large",
            params={"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    mime = _sniff(head, extension_of(name))
    if mime is None:
        raise ValidationError(
            _(
                "The file “%(name)s” is not of a type Ponte accepts, or its content does not match its name. "
                "Accepted: PDF, PNG, JPEG, Word, Excel, PowerPoint, OpenDocument, text and CSV."
            ),
            code="bad_type",
            params={"name": name},
        )
    return name, mime


# Pictures, by content type: the format each is written back in, without its metadata.
PICTURES = {"image/png": "PNG", "image/jpeg": "JPEG"}
# What a picture keeps of its own information: how it is drawn, never where, when or by what.
KEPT_PICTURE_INFO = ("transparency",)
# Larger pictures are refused before their pixels are read: a few megabytes of PNG can
# unfold into gigabytes of memory.
MAX_PICTURE_PIXELS = 60_000_000


def without_metadata(uploaded, *, name: str, mime: str) -> ContentFile:
    """A picture written again from its pixels alone, turned upright first: no EXIF (the place,
    the time, the device), no text chunks, no thumbnails. Refused when it cannot be read, such
    as a damaged file or one built to explode in memory."""
    from PIL import Image, ImageOps

    uploaded.seek(0)
    try:
        with Image.open(uploaded) as picture:
            if picture.width * picture.height > MAX_PICTURE_PIXELS:
                raise ValueError("too many pixels")
            picture.load()
            upright = ImageOps.exif_transpose(picture)
            upright.info = {key: upright.info[key] for key in KEPT_PICTURE_INFO if key in upright.info}
            if PICTURES[mime] == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            written = io.BytesIO()
            upright.save(written, PICTURES[mime], **({"quality": 95} if PICTURES[mime] == "JPEG" else {}))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("The picture “%(name)s” cannot be read: it may be damaged. Save it again and upload it."),
            code="bad_picture",
            params={"name": name},
        ) from None
    return ContentFile(written.getvalue(), name=name)


@transaction.atomic
def attach(uploaded, *, target, actor: AbstractBaseUser, permission: str = "") -> Attachment:
    """Attach a file to `target`, if `actor` has the target's add permission, or `permission`
    when a module's service allows adding in other cases (such as an amendment) than removing."""
    spec = registry.attachment_targets.get(type(target))
    if spec is None:
        raise ValueError(f"{type(target).__name__} does not accept attachments")
    required = permission or spec.add_permission
    if not actor.has_perm(required, target):
        raise PermissionError(required)
    name, mime = validate_upload(uploaded)
    if mime in PICTURES:
        uploaded = without_metadata(uploaded, name=name, mime=mime)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        original_name=name,
        content_type=mime,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.id.hex, uploaded, save=False)
    attachment.save()
    described = {"sha256": attachment.sha256} if spec.sealed else {"attachment": name, "sha256": attachment.sha256}
    audit.record(actor=actor, verb="attach", target=target, after=described)
    return attachment


@transaction.atomic
def detach(attachment: Attachment, *, actor: AbstractBaseUser) -> None:
    """Remove an attachment: its stored file and its row. Allowed to whoever may add one."""
    target = attachment.target
    spec = registry.attachment_targets.get(type(target)) if target is not None else None
    if spec is None:
        raise ValueError("this attachment's target does not accept attachments")
    if not actor.has_perm(spec.add_permission, target):
        raise PermissionError(spec.add_permission)
    name, stored = attachment.original_name, attachment.file.name
    described = {"sha256": attachment.sha256} if spec.sealed else {"attachment": name, "sha256": attachment.sha256}
    attachment.delete()
    audit.record(actor=actor, verb="detach", target=target, before=described)
    # The file goes only once the row is gone for good: a rolled-back removal keeps both.
    transaction.on_commit(lambda: private_storage().delete(stored))


def attachments_of(target) -> list[Attachment]:
    return list(
        Attachment.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
    )


def attachments_by_target(targets) -> dict[str, list[Attachment]]:
    """The attachments of several objects of one model, in one query: {str(pk): [attachments]}."""
    targets = list(targets)
    if not targets:
        return {}
    found: dict[str, list[Attachment]] = {str(target.pk): [] for target in targets}
    attached = Attachment.objects.filter(
        target_type=ContentType.objects.get_for_model(targets[0]), target_id__in=list(found)
    ).order_by("created_at", "pk")
    for attachment in attached:
        found[attachment.target_id].append(attachment)
    return found


def sealed_from(user) -> Q:
    """What `user` may not see yet of the objects of sealed targets (a proposal before the
    deadline), as a condition on a row's `target_type` and `target_id`: attachments and audit
    events are both kept by target, so one seal serves both. Each sealed target's own seal
    decides (what `visible_to` admits); a sealed target that registers none is hidden whole."""
    hidden = Q()
    for spec in registry.attachment_targets.values():
        if not spec.sealed:
            continue
        of_target = Q(target_type=ContentType.objects.get_for_model(spec.model))
        if spec.visible_to is None:
            hidden |= of_target
            continue
        readable = spec.visible_to(user).order_by().annotate(key=Cast("pk", CharField())).values("key")
        hidden |= of_target & ~Q(target_id__in=readable)
    return hidden


def attachments_visible_to(user) -> QuerySet[Attachment]:
    """Attachments across every target, without those of sealed targets the person may not
    read yet: what a list of all attachments (the Django admin) may show. Filtered in one
    query, so a file name never reaches the page."""
    hidden = sealed_from(user)
    return Attachment.objects.exclude(hidden) if hidden else Attachment.objects.all()


def can_download(user, attachment: Attachment) -> bool:
    target = attachment.target
    spec = registry.attachment_targets.get(type(target)) if target is not None else None
    return spec is not None and user.has_perm(spec.view_permission, target)


def open_file(attachment: Attachment):
    return private_storage().open(attachment.file.name, "rb")
