"""Reads of Neighbour Spaces, one module per kind of thing read.

Import the module you need (`from silin.spaces.selectors.spaces import space_get`); nothing
is re-exported here. Every read a user can reach takes the actor and answers 404 outside
their scope; the token reads (door code, calendar feeds) take the token as the credential.

- `spaces`: which spaces an actor sees, the directory and its filters, one space, tokens,
  opening hours to show;
- `availability`: what decides whether a space is free over a range (`SpaceCalendar`),
  as intervals, and the waiting-list offers that hold a slot;
- `bookings`: bookings and waiting-list entries (mine, the approval queue, one booking,
  the day sheet, the feeds, the door), and whom staff may book for;
- `renewals`: renewal records and the choices of their form.
"""
