"""Helpers for the organisation tests."""

from django.contrib.messages import get_messages


def messages_of(response) -> list[str]:
    """The flash messages a response shows (after following redirects) or queued."""
    if response.context is not None and "messages" in response.context:
        return [str(message) for message in response.context["messages"]]
    return [str(message) for message in get_messages(response.wsgi_request)]
