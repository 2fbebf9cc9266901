from django.urls import path

from forlop.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read-all"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/calendar/new/", views.calendar_token_new, name="calendar-new"),
    path("settings/calendar/revoke/", views.calendar_token_revoke, name="calendar-revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/<str:token>/unit/<slug:code>.ics", views.unit_feed, name="unit-feed"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rules, name="rule-edit"),
    path("rules/adopt/", views.rules_adopt, name="rules-adopt"),
    path("failed/", views.attention, name="attention"),
    path("weekly/", views.weekly, name="weekly"),
]
