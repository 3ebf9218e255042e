"""The public marketplace: list, detail, feed, export, alerts and interest."""

from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ponte.core.paging import paginate

from . import queries


def challenge_list(request):
    page = paginate(request, queries.challenge_list(request.user))
    return render(request, "challenges/list.html", {"page": page})


def challenge_detail(request, pk, slug):
    challenge = queries.challenge_detail(request.user, pk)
    if challenge is None:
        raise Http404
    if slug != challenge.slug:
        return redirect(challenge, permanent=True)
    return render(request, "challenges/detail.html", {"challenge": challenge})


class ChallengeFeed(Feed):
    title = "Ponte challenges"
    link = "/challenges/"

    def items(self):
        return queries.open_challenges()[:50]


def export_csv(request):
    return HttpResponse("", content_type="text/csv")


@login_required
def alerts(request):
    raise Http404


@login_required
def interest(request, pk):
    raise Http404
