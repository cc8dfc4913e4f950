from django.urls import path

from website.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.signup, name="signup"),
    path("newsletter/check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "newsletter/unsubscribe/<str:token>/one-click/",
        views.unsubscribe_one_click,
        name="unsubscribe_one_click",
    ),
    path("newsletter/reading-list/<str:token>/", views.reading_list, name="reading_list"),
    path("account/newsletter/", views.account, name="account"),
    path("account/newsletter/change/", views.account_change, name="account_change"),
]
