from django import template

from ..banner import consultation_facts, open_banner

register = template.Library()


@register.inclusion_tag("consultations/includes/_banner_inner.html")
def consultation_banner(plan, version=None):
    """The banner a plan's public page shows while a consultation on its draft is open, and the
    link from a version to the consultation that came before it (“what we heard”). No query
    once the facts are cached (the page's ETag check has usually read them already)."""
    if plan is None:
        return {}
    heard = consultation_facts(plan.pk)["heard"].get(version.pk) if version is not None else None
    return {"open": open_banner(plan.pk), "heard_label": heard, "version": version, "plan": plan}
