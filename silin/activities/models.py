"""邻距离 Neighbour Activities: the 邻里亲 catalogue, events and sign-ups.

A catalogue item is the street's (community empty) or a community's own; a community adopts
a street item as a copy that keeps a link to its source. An event runs one catalogue item at
one time and place; its sign-ups take `1 + companions` places each. The invariant "the
confirmed places of an event never exceed its capacity" is held by the sign-up services,
which lock the event's row first (`services.common.lock_event`).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PARENT_CHILD = "parent_child", _("Parent and child")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")
    SOCIAL = "social", _("Social gathering")
    COMPETITION = "competition", _("Competition")
    LEAGUE = "league", _("League")
    BANQUET = "banquet", _("Courtyard banquet (坝坝宴)")
    PSYCHOLOGICAL = "psychological", _("Psychological care")
    SPECIAL_CARE = "special_care", _("Special care")
    CHILDCARE = "childcare", _("After-school childcare")
    LEARNING = "learning", _("Learning")
    VOLUNTEERING = "volunteering", _("Volunteering")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    """The stage of neighbourliness an activity serves (邻里亲)."""

    ALL = "all", _("All stages")
    ACQUAINTANCE_FRIEND = "acquaintance_friend", _("From acquaintances to friends")
    FRIEND_FAMILY = "friend_family", _("From friends to family")


class CatalogueItemQuerySet(models.QuerySet):
    def of_street(self, street_id: int):
        return self.filter(street_id=street_id)


class CatalogueItem(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    street = models.ForeignKey("places.Street", on_delete=models.PROTECT, related_name="+")
    # Empty: the street's own list; set: a community's item (often adopted from the street's).
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.ForeignKey(
        "self",
        verbose_name=_("adopted from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    stage = models.CharField(_("relationship stage"), max_length=24, choices=Stage.choices)
    min_age = models.PositiveSmallIntegerField(
        _("youngest age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    for_families = models.BooleanField(_("for families"), default=False)
    for_elderly = models.BooleanField(_("for the elderly"), default=False)
    for_children = models.BooleanField(_("for children"), default=False)
    group_size = models.PositiveSmallIntegerField(
        _("typical group size"), default=20, validators=[MinValueValidator(1)]
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=120, validators=[MinValueValidator(15)]
    )
    cost_yuan = models.DecimalField(_("cost (yuan)"), max_digits=8, decimal_places=2, default=0)
    materials = models.TextField(_("materials"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogueItemQuerySet.as_manager()

    class Meta:
        ordering = ["stage", "category", "title"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "source"],
                condition=Q(source__isnull=False),
                name="catalogue_adopted_once",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def tree_node(self):
        node = self.community if self.community_id else self.street
        return node.tree_node()  # type: ignore[union-attr]


class EventSeries(models.Model):
    """A repeating event: the RFC 5545 rule it was made from; its dates are the Events
    pointing at it, all created at once or none (`services.series`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(
        CatalogueItem, verbose_name=_("catalogue item"), on_delete=models.PROTECT, related_name="+"
    )
    rrule = models.CharField(_("repeat rule"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series of activities")
        verbose_name_plural = _("series of activities")

    def __str__(self) -> str:
        return f"{self.item} · {self.rrule}"

    def tree_node(self):
        return self.item.tree_node()


class EventQuerySet(models.QuerySet):
    def live(self):
        return self.filter(state__in=Event.LISTED_STATES)


class Event(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for sign-up")
        RUNNING = "running", _("Under way")
        DONE = "done", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    class Organiser(models.TextChoices):
        COMMUNITY = "community", _("Community")
        COMMITTEE = "committee", _("Compound committee")
        ORGANIZATION = "organization", _("Social organisation")

    # Shown to residents (a draft is seen by its organisers only).
    LISTED_STATES = (State.PUBLISHED, State.RUNNING, State.DONE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("catalogue item"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    organiser_kind = models.CharField(
        _("organised by"), max_length=20, choices=Organiser.choices, default=Organiser.COMMUNITY
    )
    # Where it belongs in the tree: its community always, its compound when a compound
    # committee runs it or it is held for one compound.
    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    space = models.ForeignKey(
        "spaces.Space",
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booking = models.ForeignKey(
        "spaces.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set on each occurrence of a repeating event (one Event per date, each with its own
    # sign-ups and space booking).
    series = models.ForeignKey(
        "EventSeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    place_text = models.CharField(_("place outside"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    signup_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    compounds = models.ManyToManyField(
        "places.Compound", verbose_name=_("open to the compounds"), blank=True, related_name="+"
    )
    # Set: only residents carrying at least one of these register tags may sign up.
    required_tags = models.ManyToManyField(
        "people.Tag", verbose_name=_("for residents tagged"), blank=True, related_name="+"
    )
    max_companions = models.PositiveSmallIntegerField(
        _("companions per sign-up"), default=0, validators=[MaxValueValidator(10)]
    )
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed place"), default=12, validators=[MinValueValidator(1)]
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # The check-in key pair (Ed25519, made on publishing): the private key encrypted
    # (lib.crypto), the public key published so a scanner verifies codes without the server.
    checkin_private_key = models.TextField(blank=True, editable=False)
    checkin_public_key = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["community", "state", "starts_at"], name="event_listing"),
            # What's on near me: the coming events in time order, without walking past the
            # years of finished ones on the starts_at index.
            models.Index(
                fields=["starts_at", "id"],
                condition=Q(state__in=["published", "running"]),
                name="event_coming",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def tree_node(self):
        node = self.compound if self.compound_id else self.community
        return node.tree_node()  # type: ignore[union-attr]

    @property
    def where(self) -> str:
        return self.space.name if self.space_id and self.space else self.place_text


class SignUp(models.Model):
    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    # States holding places (an offered waiting sign-up holds its places too).
    TAKING_STATES = (State.CONFIRMED, State.ATTENDED)
    LIVE_STATES = (State.CONFIRMED, State.WAITING, State.ATTENDED, State.NO_SHOW)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    # Who takes part: exactly one of an account (`person`), a resident of the register with
    # no account of their own (no phone: signed up by a worker), or a guest added at the
    # door by name.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Database defaults too, so that rows written in bulk (COPY) need not name them.
    guest_name = models.CharField(_("guest's name"), max_length=50, blank=True, db_default="")
    walk_in = models.BooleanField(_("added at the door"), default=False, db_default=False)
    # Set when someone else (a worker, a family member) signed the person up.
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed up by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    companions = models.PositiveSmallIntegerField(_("companions"), default=0)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, db_index=True)
    # A waiting sign-up offered a freed place: it holds the places until then.
    offer_expires_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(state__in=["confirmed", "waiting", "attended", "no_show"]),
                name="signup_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["event", "resident"],
                condition=Q(state__in=["confirmed", "waiting", "attended", "no_show"]),
                name="signup_resident_once_per_event",
            ),
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, resident__isnull=True, guest_name="")
                    | Q(person__isnull=True, resident__isnull=False, guest_name="")
                    | (Q(person__isnull=True, resident__isnull=True) & ~Q(guest_name=""))
                ),
                name="signup_one_participant",
            ),
        ]
        indexes = [models.Index(fields=["person", "state"], name="signup_person_state")]

    def __str__(self) -> str:
        return f"{self.name} · {self.event}"

    def tree_node(self):
        return self.event.tree_node()

    @property
    def places(self) -> int:
        return 1 + self.companions

    @property
    def name(self) -> str:
        """Who takes part, as the organiser sees them (select `person` and `resident`)."""
        if self.person is not None:
            return self.person.name
        if self.resident is not None:
            return self.resident.name
        return self.guest_name

    @property
    def contact(self):
        """Who hears about this sign-up: the person, or for a resident with no account the
        worker who signed them up (None for a guest)."""
        return self.person if self.person_id else self.signed_up_by


class Feedback(models.Model):
    """After attending: a rating of 1 to 5 (长辈版 offers three faces: 1, 3 and 5) and a
    comment, one per sign-up."""

    signup = models.OneToOneField(SignUp, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signup} · {self.rating}"

    def tree_node(self):
        return self.signup.tree_node()


def new_feed_token() -> str:
    """A token for a feed's URL, the feed's only credential: 32 url-safe characters."""
    return secrets.token_urlsafe(24)


class OrganiserFeed(models.Model):
    """The rotatable token of an organiser's calendar feed (its listed events).

    An organiser is a community, a compound's committee or a social organisation: `key` says
    which (`community:<pk>`, `committee:<pk>`, `organization:<pk>`, see `organiser_key`)."""

    key = models.CharField(max_length=40, unique=True)
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organiser's calendar feed")
        verbose_name_plural = _("organisers' calendar feeds")

    def __str__(self) -> str:
        return self.key


def organiser_key(event: Event) -> str:
    """Who organises `event`, as an OrganiserFeed key."""
    if event.organiser_kind == Event.Organiser.ORGANIZATION and event.organization_id:
        return f"organization:{event.organization_id}"
    if event.organiser_kind == Event.Organiser.COMMITTEE and event.compound_id:
        return f"committee:{event.compound_id}"
    return f"community:{event.community_id}"


class EventMessage(models.Model):
    """A message from the organiser to everyone signed up: its text is the organiser's own
    words; each recipient gets a notice pointing to it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("message"), max_length=500)
    include_waiting = models.BooleanField(_("also to the waiting list"), default=False)
    sms = models.BooleanField(_("also by SMS"), default=False)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to the participants")
        verbose_name_plural = _("messages to the participants")

    def __str__(self) -> str:
        return f"{self.event} · {self.created_at:%Y-%m-%d %H:%M}"

    def tree_node(self):
        return self.event.tree_node()


class Proposal(models.Model):
    """A resident's idea for the catalogue, decided by a worker of the proposer's community:
    accepted (it becomes a community catalogue item linked here) or declined with a reason."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not taken up")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    stage = models.CharField(_("relationship stage"), max_length=24, choices=Stage.choices)
    for_families = models.BooleanField(_("for families"), default=False)
    for_elderly = models.BooleanField(_("for the elderly"), default=False)
    for_children = models.BooleanField(_("for children"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    item = models.OneToOneField(
        CatalogueItem,
        verbose_name=_("catalogue item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["community", "state"], name="proposal_queue")]

    def __str__(self) -> str:
        return self.title

    def tree_node(self):
        return self.community.tree_node()
