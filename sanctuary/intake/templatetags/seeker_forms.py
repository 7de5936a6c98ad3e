"""A form token for intake's questionnaire, for pages of lower layers that send their answers
on to it (the options check's "ask the network for help")."""

from typing import Any

from django import template

from sanctuary.intake import seeker

register = template.Library()


@register.simple_tag(takes_context=True)
def start_form_token(context: dict[str, Any]) -> str:
    return seeker.form_token("start", context["request"])
