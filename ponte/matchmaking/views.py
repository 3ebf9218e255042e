"""The pages of matchmaking: the solutions and companies recommended for a challenge, to its
public body and programme managers, and the open challenges recommended to a company's
members, with the later phases their companies are invited to. Views stay thin: the ranking
is in ranking.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ponte.challenges.queries import public as public_queries
from ponte.organisations.queries import verified_companies_of

from . import ranking


@login_required
def challenge_matches(request, pk):
    challenge = public_queries.challenge_detail(request.user, pk)
    if challenge is None:
        raise Http404
    if not request.user.has_perm("challenges.view_matches", challenge):
        raise PermissionDenied
    recommendations = ranking.recommend_for_challenge(challenge)
    return render(
        request,
        "matchmaking/challenge.html",
        {
            "challenge": challenge,
            "solutions": recommendations.solutions,
            "companies": recommendations.companies,
        },
    )


@login_required
def recommended_challenges(request):
    if not request.user.has_perm("challenges.view_recommended_challenges"):
        raise PermissionDenied
    sections = ranking.recommend_for_companies(list(verified_companies_of(request.user)))
    now = timezone.now()
    for section in sections:
        for challenge in [*(m.obj for m in section.challenges), *(i.challenge for i in section.invitations)]:
            challenge.days_left = (challenge.deadline - now).days  # open: the deadline is ahead
    invited = any(section.invitations for section in sections)
    return render(request, "matchmaking/company.html", {"sections": sections, "invited": invited})
