from django.urls import path

from . import exports
from .views import after, applications, matching, rounds, scheduling, teams

app_name = "exchange"

urlpatterns = [
    path("", rounds.exchange_home, name="home"),
    path("rounds/new/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/cancel/", rounds.round_cancel, name="round_cancel"),
    path("rounds/<int:pk>/apply/", applications.application_create, name="apply"),
    path("rounds/<int:pk>/hosting/", applications.hosting, name="hosting"),
    path("rounds/<int:pk>/matching/", matching.matching, name="matching"),
    path("rounds/<int:pk>/matching/unpaired/", matching.unmatched, name="unmatched"),
    path("rounds/<int:pk>/matching/run/", matching.matching_run, name="matching_run"),
    path("rounds/<int:pk>/matching/send/", matching.proposals_send, name="proposals_send"),
    path("pairs/<int:pk>/", matching.pair_detail, name="pair"),
    path("pairs/<int:pk>/lock/", matching.pair_lock, name="pair_lock"),
    path("pairs/<int:pk>/exclude/", matching.pair_exclude, name="pair_exclude"),
    path("pairs/<int:pk>/accept/", matching.pair_accept, name="pair_accept"),
    path("pairs/<int:pk>/decline/", matching.pair_decline, name="pair_decline"),
    path("pairs/<int:pk>/plan/<str:side>/", scheduling.visit_plan, name="visit_plan"),
    path("pairs/<int:pk>/reschedule/", scheduling.pair_reschedule, name="pair_reschedule"),
    path("pairs/<int:pk>/cancel/", scheduling.pair_cancel, name="pair_cancel"),
    path("pairs/<int:pk>/calendar.ics", scheduling.pair_calendar, name="pair_calendar"),
    path("calendar/", scheduling.calendar_settings, name="calendar"),
    path("calendar/start/", scheduling.calendar_start, name="calendar_start"),
    path("calendar/stop/", scheduling.calendar_stop, name="calendar_stop"),
    path("calendar/<str:secret>.ics", scheduling.calendar_feed, name="calendar_feed"),
    path("challenges/<int:pk>/", teams.challenge_detail, name="challenge"),
    path("challenges/<int:pk>/join/", teams.team_join, name="team_join"),
    path("challenges/<int:pk>/leave/", teams.team_leave, name="team_leave"),
    path("challenges/<int:pk>/update/", teams.change_update, name="change_update"),
    path("pairs/<int:pk>/feedback/<str:role>/<str:side>/", after.feedback, name="feedback"),
    path("pairs/<int:pk>/follow-up/", after.follow_up, name="follow_up"),
    path("rounds/<int:pk>/statistics/", after.statistics, name="statistics"),
    path("rounds.csv", exports.rounds_csv, name="rounds_csv"),
    path("network.csv", exports.network_csv, name="network_csv"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/approve/", applications.application_approve, name="application_approve"),
    path("applications/<int:pk>/decline/", applications.application_decline, name="application_decline"),
]
