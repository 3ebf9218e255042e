import hashlib
import secrets

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The attribute a person read without their password carries its session hash in.
SESSION_AUTH_HASH = "kept_session_auth_hash"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Their e-mail address is how they sign in.

    Platform roles are flags granted by a platform admin; roles within an organisation
    live on the membership (see ponte.organisations).
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    is_programme_manager = models.BooleanField(_("programme manager"), default=False)
    is_evaluator = models.BooleanField(_("evaluator"), default=False)
    is_sponsor = models.BooleanField(_("sponsor"), default=False)
    is_moderator = models.BooleanField(_("moderator"), default=False)
    is_staff = models.BooleanField(_("platform admin"), default=False, help_text=_("Can sign in to the Django admin."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "email"]
        indexes = [
            # The evaluator pool, a few hundred among a country's people: found by name as a
            # programme manager types, without reading every person.
            models.Index(
                fields=["name", "email"],
                condition=models.Q(is_evaluator=True, is_active=True),
                name="user_evaluator_pool",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def get_session_auth_hash(self) -> str:
        """What a session was signed in with, checked at every request. The person read for a
        request (backends.py) is kept in the cache without their password's hash, which never
        leaves the database: they carry this instead, made from it when they were read."""
        if "password" in self.get_deferred_fields() and (kept := self.__dict__.get(SESSION_AUTH_HASH)):
            return kept
        return super().get_session_auth_hash()

    def has_perm(self, perm, obj=None) -> bool:
        """Ponte's own permissions (registered with django-rules) mean exactly what their rules
        say, for everyone: for a superuser, whom the rules name wherever platform admins may
        act, and a state the rules refuse (verifying a verified organisation) is refused to
        everyone; and for anyone given Django's model permission of the same name in the admin
        (`challenges.add_challenge` is both), which grants nothing more. Asking the rules alone
        also spares the two queries of Django's model permissions. Django's own permissions
        (the admin site) keep the superuser's blanket grant."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


TOKEN_PREFIX = "ponte_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the person sees it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    key_prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def new_key() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
