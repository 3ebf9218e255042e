from django.urls import path

from . import views

app_name = "solutions"

urlpatterns = [
    path("", views.solution_list, name="list"),
    path("mine/", views.my_solutions, name="mine"),
    path("new/", views.solution_create, name="create"),
    path("screening/", views.screening, name="screening"),
    path("<int:pk>/", views.solution_detail, name="detail"),
    path("<int:pk>/edit/", views.solution_edit, name="edit"),
    path("<int:pk>/media/", views.solution_media, name="media"),
    path("<int:pk>/submit/", views.solution_submit, name="submit"),
    path("<int:pk>/publish/", views.solution_publish, name="publish"),
    path("<int:pk>/return/", views.solution_return, name="return"),
]
