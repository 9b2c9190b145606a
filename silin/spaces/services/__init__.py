"""Writes of Neighbour Spaces, one module per family of writes.

Import the module you need (`from silin.spaces.services import bookings`); nothing is
re-exported here. From the bottom up, each importing only modules listed before it:

- `common`: SpaceError and SlotTaken, row locks, small formatting helpers, `enqueue_at`;
- `notices`: notices to a person in their language, and how a booking is described;
- `policy`: who books for whom, and what a request must satisfy (hours, blocks, quota);
- `offers`: offering a freed slot to the waiting list; lapsed offers (with their task);
- `checkin`: check-in by the door's code or by staff; releasing no-shows (with the task);
- `reminders`: the reminders of a confirmed booking (with the task) and its release;
- `bookings`: booking, approving, rejecting and cancelling one slot;
- `series`: repeating bookings from an RFC 5545 rule, all or nothing;
- `waitlist`: joining the waiting list, claiming an offer, withdrawing;
- `spaces`, `hours`, `blocks`: the spaces themselves, their hours and blocked periods;
- `feeds`: the personal calendar feed's token;
- `renewals`: renewal records (how an idle site became a space).

Every service is keyword-only, runs in its own transaction, writes an audit entry and puts
its side effects (notices, tasks) on commit. Bad input raises `common.SpaceError`, a
Django ValidationError of {field: [translated messages]}, with nothing saved.
"""
