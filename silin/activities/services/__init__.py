"""Writes of Neighbour Activities, one module per family of writes.

Import the module you need (`from silin.activities.services import signups`). From the
bottom up, each importing only modules listed before it:

- `common`: ActivityError, the event's row lock, small helpers;
- `notices`: notices about activities (kind + params, rendered when read);
- `reminders`: the reminders the day before and two hours before (tasks queued with
  run_after, each re-checking the sign-up and the event when it runs);
- `catalogue`: catalogue items and their adoption by a community;
- `signups`: signing up (confirmed or waiting), cancelling, offering a freed place to the
  first waiting (with the task that lapses the offer), accepting it, attendance;
- `events`: creating (with the space booked), publishing, changing capacity, cancelling,
  moving an event through running and done (with the task);
- `messages`: a message from the organiser to everyone signed up;
- `feeds`: the organisers' calendar feed tokens.

Every service is keyword-only, runs in its own transaction, writes an audit entry and puts
its side effects (notices, tasks) on commit. Bad input raises `common.ActivityError`, a
Django ValidationError of {field: [translated messages]}, with nothing saved.
"""
