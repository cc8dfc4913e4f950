from django.urls import path

from . import views

app_name = "trainers"
urlpatterns = [
    path("api/search", views.search_json, name="search_json"),
    path("my-profile/", views.my_profile, name="my_profile"),
    path("my-profile/new/", views.create_profile, name="create_profile"),
]
