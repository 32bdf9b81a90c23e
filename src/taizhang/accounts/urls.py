from django.urls import path

from taizhang.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("2fa/", views.otp_verify, name="otp_verify"),
]
