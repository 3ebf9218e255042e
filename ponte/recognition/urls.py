from django.urls import path

from .views import kudos, nominations, programmes

app_name = "recognition"

urlpatterns = [
    path("", programmes.hall_of_fame, name="hall_of_fame"),
    path("hall-of-fame.csv", programmes.hall_of_fame_csv, name="hall_of_fame_csv"),
    path("programmes/new/", programmes.programme_add, name="programme_add"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", programmes.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/categories/new/", programmes.category_add, name="category_add"),
    path("programmes/<int:pk>/categories/<int:category>/remove/", programmes.category_remove, name="category_remove"),
    path("programmes/<int:pk>/jury/", programmes.jury, name="jury"),
    path("programmes/<int:pk>/jury/<int:person>/remove/", programmes.jury_remove, name="jury_remove"),
    path("programmes/<int:pk>/ranking/", programmes.ranking, name="ranking"),
    path("programmes/<int:pk>/announce/", programmes.announce, name="announce"),
    path("programmes/<int:pk>/nominate/", nominations.nominate, name="nominate"),
    path("programmes/<int:pk>/judging/", nominations.jury_work, name="jury_work"),
    path("nominations/<int:pk>/", nominations.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/declare/", nominations.declare, name="declare"),
    path("nominations/<int:pk>/score/", nominations.score, name="score"),
    path("nominations/<int:pk>/withdraw/", nominations.withdraw, name="withdraw"),
    path("nominations/<int:pk>/win/", programmes.winner_choose, name="choose_winner"),
    path("nominations/mine/", nominations.mine, name="mine"),
    path("nominees/<str:kind>/", nominations.nominee_suggestions, name="nominees"),
    path("people/", programmes.people, name="people"),
    path("kudos/", kudos.give, name="kudos"),
    path("kudos/<int:pk>/withdraw/", kudos.withdraw, name="kudos_withdraw"),
]
