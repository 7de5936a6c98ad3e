"""Lookups for the staff pages. Every staff member may read the knowledge base; who may change
it is decided by the views' roles and by services."""

from django.shortcuts import get_object_or_404

from sanctuary.routes.models import FactProposal, StoredFact


def get_stored_fact(fact_id: str) -> StoredFact:
    return get_object_or_404(StoredFact, fact_id=fact_id)


def get_proposal(pk: int) -> FactProposal:
    return get_object_or_404(FactProposal.objects.select_related("fact", "proposed_by"), pk=pk)
