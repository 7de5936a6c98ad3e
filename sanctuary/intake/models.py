from django.db import models
from django.utils import timezone


class SeekerSession(models.Model):
    """A seeker signed in with his codename. The cookie holds an id and a key; this row holds
    the id's digest and his secret key wrapped under that key, so neither alone opens it.
    The case itself is casework's (sanctuary.cases.models.Case)."""

    id_digest = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sessions")
    wrapped_secret = models.BinaryField()
    last_seen = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"seeker session {self.pk}"
