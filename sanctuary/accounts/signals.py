"""Signals other apps use to follow accounts without accounts importing them."""

from django.dispatch import Signal

# Sent inside the accepting transaction, with `invitation`, `user` and the raw `token` (which
# is never stored). The hosts app links the new account to the host it invited.
invitation_accepted = Signal()
