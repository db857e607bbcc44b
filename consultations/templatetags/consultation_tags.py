from django import template

from ..selectors import open_consultation

register = template.Library()


@register.inclusion_tag("consultations/includes/_banner_inner.html")
def consultation_banner(plan):
    """The banner a plan's public page shows while a consultation on its draft is open."""
    return {"consultation": open_consultation(plan) if plan is not None else None}
