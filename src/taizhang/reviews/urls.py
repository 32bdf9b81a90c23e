from django.urls import path

from taizhang.reviews.views import pages

app_name = "reviews"
urlpatterns = [
    path("", pages.campaign_list, name="list"),
    path("new/", pages.campaign_create, name="create"),
    path("<int:pk>/", pages.campaign_detail, name="detail"),
    path("<int:pk>/assign/", pages.campaign_assign, name="assign"),
    path("<int:pk>/close/", pages.campaign_close, name="close"),
    path("items/<int:pk>/verdict/", pages.item_verdict, name="verdict"),
    path("callbacks/", pages.callback_list, name="callbacks"),
    path("callbacks/<int:pk>/assign/", pages.callback_assign, name="callback_assign"),
    path("callbacks/<int:pk>/contact/", pages.callback_contact, name="callback_contact"),
    path("callbacks/<int:pk>/record/", pages.callback_record, name="callback_record"),
    path("callbacks/<int:pk>/send/", pages.callback_send, name="callback_send"),
]
