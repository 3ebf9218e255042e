"""Releases as they were published.

An OCDS release is immutable: once published, it is never changed (a later event makes a
new release). Each release is kept here, as the JSON text a reader was first given, the first
time the feed or a record serves it: from then on it is served as it is, without being built
again from the challenge, whose owner may since have changed its name or contact."""

from django.db import models

from ponte.challenges.models import Challenge


class PublishedRelease(models.Model):
    release_id = models.CharField(max_length=200, primary_key=True)
    # Kept with its challenge's other data: a challenge deleted by an administrator takes
    # its releases with it.
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.release_id
