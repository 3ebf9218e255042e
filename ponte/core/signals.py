"""Keep the search index in step with every model that contributes search documents.

Indexing happens in the same transaction as the change, so the index never shows
something that was rolled back, nor misses something that was committed.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search
from .registry import registry


@receiver(post_save)
def reindex_on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if registry.search_source_for(sender) is not None:
        search.index_object(instance)
    # Documents that read this object (a company's solutions read its status) follow it.
    search.index_dependents(instance)


@receiver(post_delete)
def unindex_on_delete(sender, instance, **kwargs):
    if registry.search_source_for(sender) is None:
        return
    search.unindex_object(instance)
