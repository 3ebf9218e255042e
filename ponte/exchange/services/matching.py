"""Matching a round: a programme manager runs the matcher on the approved applications, locks
or excludes the pairs it proposes, runs it again, and sends the proposals; each of the two
people accepts or declines, and a pair both accept is confirmed. Every step is
permission-checked, transactional, audited and told to whom it concerns.

What a run keeps: confirmed pairs, locked pairs and proposals already sent (their people were
asked: a manager excludes one to free them). What it never proposes again: a pair one of its
people declined or a manager excluded. The other proposals, the manager's draft, are replaced
by the run's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require

from ..models import (
    PAIR_LIFECYCLE,
    REASON_LIMIT,
    REFUSED_STATUSES,
    Answer,
    MatchRun,
    Pair,
    PairStatus,
    Round,
    Unmatched,
)
from ..queries.matching import PAIR_RELATED, matcher_input

if TYPE_CHECKING:
    from ponte.accounts.models import User

    from .. import matching


@transaction.atomic
def matching_run(*, actor: User, round: Round) -> MatchRun:
    """Run the matcher on the round's approved applications, keeping the pairs a run keeps."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require("exchange.run_matching", round, actor=actor)
    from .. import matching  # numpy and scipy, loaded by the workers that match, not by every page

    public, company, capacity = matcher_input(round)
    pairs = list(Pair.objects.filter(round=round).select_for_update())
    kept = [pair for pair in pairs if _kept_by_a_run(pair)]
    draft = {(pair.public_id, pair.company_id): pair for pair in pairs if pair.status == PairStatus.PROPOSED}
    for pair in kept:
        draft.pop((pair.public_id, pair.company_id), None)
    try:
        result = matching.match(
            public,
            company,
            window=(round.exchange_starts, round.exchange_ends),
            locked=[(pair.public_id, pair.company_id) for pair in kept],
            excluded={(pair.public_id, pair.company_id) for pair in pairs if pair.status in REFUSED_STATUSES},
            capacity=capacity,
            days=round.exchange_days,
        )
    except ValueError:
        # Only the pairs kept from before can break a rule: an organisation now hosts fewer
        # guests than they take (the round's dates and length hold still once pairs exist).
        raise ValidationError(
            _(
                "The pairs kept from before (locked, sent or confirmed) no longer fit the round: an "
                "organisation now hosts fewer guests than they take. Exclude one of them, then run the "
                "matching again."
            ),
            code="kept_pairs_break_a_rule",
        ) from None
    run = MatchRun.objects.create(
        round=round,
        run_by=actor,
        public_applicants=len(public),
        company_applicants=len(company),
        pairs=len(result.pairs),
        kept_pairs=len(kept),
        total_score=result.total_score,
    )
    kept_keys = {(pair.public_id, pair.company_id) for pair in kept}
    proposed = [pair for pair in result.pairs if (pair.public_id, pair.company_id) not in kept_keys]
    again = [
        draft.pop((pair.public_id, pair.company_id)) for pair in proposed if (pair.public_id, pair.company_id) in draft
    ]
    # The draft proposals this run does not make again go first, so that their people are
    # free for the new ones.
    Pair.objects.filter(pk__in=[pair.pk for pair in draft.values()]).delete()
    found = {(pair.public_id, pair.company_id): pair for pair in proposed}
    for pair in again:
        _describe(pair, found[(pair.public_id, pair.company_id)], run)
    Pair.objects.bulk_update(again, ["run", "score", "reasons", "slot_starts", "slot_ends"])
    again_keys = {(pair.public_id, pair.company_id) for pair in again}
    Pair.objects.bulk_create(
        _describe(Pair(round=round, public_id=key[0], company_id=key[1]), pair, run)
        for key, pair in found.items()
        if key not in again_keys
    )
    Unmatched.objects.bulk_create(
        Unmatched(run=run, application_id=entry.applicant_id, reason=entry.reason) for entry in result.unmatched
    )
    audit.record(
        actor=actor,
        verb="run_matching",
        target=round,
        after={
            "public applicants": run.public_applicants,
            "company applicants": run.company_applicants,
            "pairs": run.pairs,
            "kept": run.kept_pairs,
            "not paired": len(result.unmatched),
            "total score": run.total_score,
        },
    )
    return run


def _kept_by_a_run(pair: Pair) -> bool:
    return pair.status == PairStatus.CONFIRMED or (
        pair.status == PairStatus.PROPOSED and (pair.locked or pair.sent_at is not None)
    )


def _describe(pair: Pair, found: matching.Pair, run: MatchRun) -> Pair:
    pair.run = run
    pair.score = found.score
    pair.reasons = [[reason.code, reason.value, reason.guest, reason.points] for reason in found.reasons]
    pair.slot_starts, pair.slot_ends = found.slot_start, found.slot_end
    return pair


@transaction.atomic
def proposals_send(*, actor: User, round: Round) -> int:
    """Ask the two people of every proposal not sent yet; each is told. Returns how many."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require("exchange.send_proposals", round, actor=actor)
    pairs = list(
        Pair.objects.filter(round=round, status=PairStatus.PROPOSED, sent_at__isnull=True)
        .select_related(*PAIR_RELATED)
        .order_by("pk")
    )
    if not pairs:
        raise ValidationError(_("Every proposal is already sent: there is none to send."), code="nothing_to_send")
    now = timezone.now()
    Pair.objects.filter(pk__in=[pair.pk for pair in pairs]).update(sent_at=now)
    for pair in pairs:
        pair.sent_at = now
        notify(
            [pair.public.applicant, pair.company.applicant],
            "exchange.pair_proposed",
            params={"round": round.title},
            url=pair.get_absolute_url(),
        )
    audit.record(actor=actor, verb="send_proposals", target=round, after={"proposals": len(pairs)})
    return len(pairs)


@transaction.atomic
def pair_lock(*, actor: User, pair: Pair, locked_: bool) -> Pair:
    """Lock a proposal (a run keeps it as it is) or unlock it."""
    pair = _locked_pair(pair)
    require("exchange.change_pair", pair, actor=actor)
    if pair.locked != locked_:
        pair.locked = locked_
        pair.save(update_fields=["locked"])
        audit.record(actor=actor, verb="lock_pair" if locked_ else "unlock_pair", target=pair)
    return pair


@transaction.atomic
def pair_exclude(*, actor: User, pair: Pair, reason: str = "") -> Pair:
    """Take a proposal back: it is never proposed again. Its people, if they were asked, are told."""
    pair = _locked_pair(pair)
    require("exchange.change_pair", pair, actor=actor)
    pair.reason = clean_text(reason, limit=REASON_LIMIT, field="reason")
    pair.decided_by, pair.locked = actor, False
    PAIR_LIFECYCLE.apply(
        pair, "exclude", actor=actor, reason=pair.reason, update_fields=["reason", "decided_by", "locked"]
    )
    if pair.sent_at is not None:
        notify(
            [pair.public.applicant, pair.company.applicant],
            "exchange.pair_withdrawn",
            params={"round": pair.round.title},
            url=pair.round.get_absolute_url(),
        )
    return pair


@transaction.atomic
def pair_accept(*, actor: User, pair: Pair) -> Pair:
    """One of the two people accepts the proposal; once both have, the pair is confirmed and both
    are told."""
    pair = _locked_pair(pair)
    require("exchange.answer_pair", pair, actor=actor)
    field = _answer_field(pair, actor)
    setattr(pair, field, Answer.ACCEPTED)
    pair.save(update_fields=[field])
    audit.record(actor=actor, verb="accept_pair", target=pair, after={field: Answer.ACCEPTED.value})
    if pair.public_answer == pair.company_answer == Answer.ACCEPTED:
        pair.decided_by = actor
        PAIR_LIFECYCLE.apply(pair, "confirm", actor=actor, update_fields=["decided_by"])
        notify(
            [pair.public.applicant, pair.company.applicant],
            "exchange.pair_confirmed",
            params={"round": pair.round.title},
            url=pair.get_absolute_url(),
        )
    return pair


@transaction.atomic
def pair_decline(*, actor: User, pair: Pair, reason: str) -> Pair:
    """One of the two people declines the proposal: it is never proposed again, and the other
    person and the programme manager who opened the round are told."""
    pair = _locked_pair(pair)
    require("exchange.answer_pair", pair, actor=actor)
    reason = clean_text(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        required=_("Say why you decline this exchange: the programme managers read it to find a better match."),
    )
    field = _answer_field(pair, actor)
    setattr(pair, field, Answer.DECLINED)
    pair.reason, pair.decided_by = reason, actor
    PAIR_LIFECYCLE.apply(pair, "decline", actor=actor, reason=reason, update_fields=[field, "reason", "decided_by"])
    other = pair.company.applicant if field == "public_answer" else pair.public.applicant
    notify(
        [other, pair.round.opened_by],
        "exchange.pair_declined",
        params={"round": pair.round.title},
        url=pair.get_absolute_url(),
    )
    return pair


def _locked_pair(pair: Pair) -> Pair:
    locked(pair)  # the row, locked until the transaction ends
    return Pair.objects.select_related(*PAIR_RELATED).get(pk=pair.pk)


def _answer_field(pair: Pair, actor: User) -> str:
    return "public_answer" if actor.pk == pair.public.applicant_id else "company_answer"
