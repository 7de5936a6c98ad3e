from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanctuary.accounts.access import staff_only
from sanctuary.accounts.models import Role, User
from sanctuary.audit.forms import AuditFilterForm
from sanctuary.audit.models import AuditEntry


@staff_only(Role.ADMIN)
def log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            actor = User.objects.filter(username=data["actor"].lower()).first()
            entries = entries.filter(actor_id=actor.pk if actor else -1)
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actor_ids = {entry.actor_id for entry in page if entry.actor_id}
    usernames = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "username"))
    rows = [(entry, usernames.get(entry.actor_id or 0, "")) for entry in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "audit/log.html", context)
