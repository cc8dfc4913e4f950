from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("account/certificates/", views.account_certificates, name="account"),
    path("certificates/claim/<int:course_id>/", views.claim, name="claim"),
    path("certificates/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/certificate.pdf", views.download, name="download"),
]
