"""Drafting and review: the author, the organisation admin and programme managers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from ponte.core.paging import paginate

from . import queries


@login_required
def my_challenges(request):
    return render(
        request,
        "challenges/mine.html",
        {"drafts": queries.drafts_of(request.user), "to_approve": queries.awaiting_organisation(request.user)},
    )


@login_required
def review_queue(request):
    if not request.user.is_programme_manager:
        raise PermissionDenied
    return render(request, "challenges/review_queue.html", {"page": paginate(request, queries.awaiting_review())})


@login_required
def challenge_create(request):
    raise Http404


@login_required
def challenge_edit(request, pk, step):
    raise Http404


@login_required
def challenge_check(request, pk):
    raise Http404


@login_required
def challenge_action(request, pk, verb):
    raise Http404
