from django.urls import path

from silin.activities import console_views, proposal_views, views

app_name = "activities"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("mine/", views.mine, name="mine"),
    path("events/<uuid:uuid>/", views.event_detail, name="event-detail"),
    path("events/<uuid:uuid>/sign-up/", views.signup_create, name="signup-create"),
    path("sign-ups/<uuid:uuid>/cancel/", views.signup_cancel, name="signup-cancel"),
    path("sign-ups/<uuid:uuid>/accept/", views.offer_accept, name="offer-accept"),
    path("sign-ups/<uuid:uuid>/feedback/", views.feedback_give, name="feedback-give"),
    path("catalogue/", views.catalogue_list, name="catalogue"),
    path("catalogue/<uuid:uuid>/", views.catalogue_item, name="catalogue-item"),
    path("catalogue/<uuid:uuid>/adopt/", console_views.item_adopt, name="item-adopt"),
    path("catalogue/<uuid:uuid>/new-event/", console_views.event_create, name="event-create"),
    path("events/<uuid:uuid>/console/", console_views.console, name="console"),
    path("events/<uuid:uuid>/check-in/", console_views.check_in, name="check-in"),
    path("events/<uuid:uuid>/publish/", console_views.publish, name="publish"),
    path("events/<uuid:uuid>/cancel/", console_views.cancel, name="event-cancel"),
    path("events/<uuid:uuid>/capacity/", console_views.capacity, name="capacity"),
    path("sign-ups/<uuid:uuid>/mark/", console_views.mark, name="signup-mark"),
    path("figures/organisers/", console_views.organiser_figures, name="organiser-figures"),
    path("proposals/", proposal_views.proposal_list, name="proposal-list"),
    path("proposals/new/", proposal_views.proposal_create, name="proposal-create"),
    path("proposals/queue/", proposal_views.proposal_queue, name="proposal-queue"),
    path("proposals/<uuid:uuid>/", proposal_views.proposal_detail, name="proposal-detail"),
    path("proposals/<uuid:uuid>/accept/", proposal_views.proposal_accept, name="proposal-accept"),
    path(
        "proposals/<uuid:uuid>/decline/", proposal_views.proposal_decline, name="proposal-decline"
    ),
]
