"""Email notifications: readers follow a plan's new versions, committee members get notices.

Imports point one way: views → selectors, services, tokens → models (and plans' access,
selectors and hooks). Publishing reaches this app only through `plans.hooks`: the listener
registered in `apps.py` writes one `Delivery` per confirmed subscriber inside the publishing
transaction; the background task in `tasks.py` sends them (the `db_worker` command runs it).

Public names other apps use: `notifications.services.notify_committee` (to committee members
who asked for consultation or comment notices) and `notify_followers` (to a plan's followers),
with the `CommitteeEvent` choices in `notifications.models`.
"""
