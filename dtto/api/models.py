"""Service clients of the API, the answers kept for idempotent posts, laboratory samples.

A client is another system (a laboratory, a treatment provider's case system, an analyst's
script), never a person: it signs in with a bearer token of which only the SHA-256 hash is
kept (docs/decisions/0007-versioned-api-with-service-clients.md).
"""

from __future__ import annotations

from django.db import models

from dtto.accounts.models import Area, TreatmentProvider


class ClientRole(models.TextChoices):
    LABORATORY = "laboratory", "Laboratory: posts drug test results for its areas"
    TREATMENT_PROVIDER = (
        "treatment-provider",
        "Treatment provider: records appointments on the Orders it treats",
    )
    CASE_READER = "case-reader", "Case reader: reads the cases of its area"
    ANALYTICS = "analytics", "Analytics: reads reports and evaluations, no personal details"
    EVENTS = "events", "Events: reads the event feed"


class ApiClient(models.Model):
    name = models.SlugField(max_length=60, unique=True)
    role = models.CharField(max_length=20, choices=ClientRole.choices)
    # A laboratory and a case reader work for one area; a treatment provider's client has the
    # provider's area too. Analytics without an area reads every area's aggregates.
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="api_clients"
    )
    provider = models.ForeignKey(
        TreatmentProvider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_clients",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # The token's first characters, shown by `dtto api-client list` to tell tokens apart.
    token_prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotentAnswer(models.Model):
    """The first answer to a post with an ``Idempotency-Key``, replayed for the same post."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.key}"


class LaboratorySample(models.Model):
    """A laboratory's sample id, and the drug test its result was recorded as.

    Kept beside the drug test rather than on it, so that the cases app knows nothing of the
    API; unique per laboratory client, so a result sent again is recognised.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="samples")
    sample_id = models.CharField(max_length=64)
    test = models.OneToOneField(
        "cases.DrugTest", on_delete=models.PROTECT, related_name="laboratory_sample"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "sample_id"], name="laboratory_sample_unique_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} sample {self.sample_id}"
