from django import template

from ..models import Consultation
from ..selectors import open_consultation

register = template.Library()


@register.inclusion_tag("consultations/includes/_banner_inner.html")
def consultation_banner(plan, version=None):
    """The banner a plan's public page shows while a consultation on its draft is open, and the
    link from a version to the consultation that came before it (“what we heard”)."""
    heard = Consultation.objects.filter(version=version).first() if version is not None else None
    return {
        "consultation": open_consultation(plan) if plan is not None else None,
        "heard": heard,
        "version": version,
        "plan": plan,
    }
