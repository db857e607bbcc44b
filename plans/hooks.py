"""Extension points that other apps plug into from their AppConfig.ready(), so plans never imports them.

- `register_demo_loader(fn)`: `load_demo` calls `fn(plan=..., users=...)` after the plans demo,
  inside the same transaction; `fn` returns a line to print, or "" when it changed nothing.
- `register_publish_listener(fn)`: `plan_publish` calls `fn(version)` inside the publishing
  transaction, right after the version row is written, so whatever a listener writes (a search
  index, queued emails) commits or rolls back with the version itself. A listener that has
  slow work to do queues it (for example with `transaction.on_commit` and a background task).
- `register_section_extras(provider)`: live facts shown inside a published version's sections
  (tracking: each action's latest progress). `provider.stamp(plan)` returns a short string that
  changes whenever what `provider.html(plan=..., version=...)` returns may change (a cache
  or ETag built from it is never stale); `html` returns safe HTML by section id.
- `register_workspace_panel(fn)`: `fn(request=..., plan=..., page=...)` returns safe HTML to show
  near the top of a workspace page ("outline" or "publish"), or "" (consultations: the state of
  the review of the draft).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from django.utils.safestring import SafeString, mark_safe

DemoLoader = Callable[..., str]
PublishListener = Callable[[Any], None]

_demo_loaders: list[DemoLoader] = []
_publish_listeners: list[PublishListener] = []


def register_demo_loader(loader: DemoLoader) -> DemoLoader:
    """Add `loader` to the demo (once, however often the app registry is set up)."""
    if loader not in _demo_loaders:
        _demo_loaders.append(loader)
    return loader


def demo_loaders() -> list[DemoLoader]:
    """The registered demo loaders, in registration order (that of INSTALLED_APPS)."""
    return list(_demo_loaders)


def register_publish_listener(listener: PublishListener) -> PublishListener:
    """Call `listener(version)` for every version published from now on."""
    if listener not in _publish_listeners:
        _publish_listeners.append(listener)
    return listener


def version_published(version) -> None:
    """Tell every listener about a version just written (inside the publishing transaction)."""
    for listener in _publish_listeners:
        listener(version)


# --- Extra content for a version's PDF ---------------------------------------------------------

PdfSectionProvider = Callable[..., dict[int, Any]]
_pdf_section_providers: list[PdfSectionProvider] = []


def register_pdf_section_provider(provider: PdfSectionProvider) -> PdfSectionProvider:
    """Add what `provider(version=..., as_of=...)` returns to the version's PDF.

    It returns {section id: Typst markup built with `plans.pdf`'s blocks}, put after that
    section's text (tracking adds each indicator's chart and table of public values).
    """
    if provider not in _pdf_section_providers:
        _pdf_section_providers.append(provider)
    return provider


def pdf_section_extras(*, version, as_of) -> dict[int, list[Any]]:
    """Every provider's extra content for the version's sections, by section id, in registration order."""
    extras: dict[int, list[Any]] = {}
    for provider in _pdf_section_providers:
        for section_id, markup in provider(version=version, as_of=as_of).items():
            extras.setdefault(section_id, []).append(markup)
    return extras


# --- Live facts inside a published version's sections ----------------------------------------


class SectionExtras(Protocol):
    def stamp(self, plan: Any) -> str: ...

    def html(self, *, plan: Any, version: Any) -> dict[int, str]: ...


_section_extras: list[SectionExtras] = []

# The place of each section's live facts in a rendered document (templates/plans/includes/_document.html).
# Markdown and titles can never produce it: raw HTML and comments are escaped or stripped.
_EXTRA_MARK = re.compile(r"<!--section-extra:(\d+)-->")


def register_section_extras(provider: SectionExtras) -> SectionExtras:
    """Show `provider`'s live facts inside published versions' sections (once per provider)."""
    if provider not in _section_extras:
        _section_extras.append(provider)
    return provider


def section_extras_stamp(plan) -> str:
    """A string that changes whenever any section's live facts for this plan may change."""
    return ".".join(provider.stamp(plan) for provider in _section_extras)


def fill_section_extras(document: str, *, plan, version) -> SafeString:
    """The rendered document with each section's live facts in place (or nothing)."""
    extras: dict[int, list[str]] = {}
    for provider in _section_extras:
        for section_id, html in provider.html(plan=plan, version=version).items():
            extras.setdefault(section_id, []).append(html)
    filled = _EXTRA_MARK.sub(lambda match: "".join(extras.get(int(match.group(1)), ())), document)
    return mark_safe(filled)  # noqa: S308 -- the document is rendered and escaped; providers return safe HTML


# --- Panels on workspace pages ----------------------------------------------------------------

WorkspacePanel = Callable[..., str]
_workspace_panels: list[WorkspacePanel] = []


def register_workspace_panel(panel: WorkspacePanel) -> WorkspacePanel:
    """Show what `panel(request=..., plan=..., page=...)` returns on workspace pages (once per panel)."""
    if panel not in _workspace_panels:
        _workspace_panels.append(panel)
    return panel


def workspace_panels(*, request, plan, page: str) -> SafeString:
    """Every registered panel's HTML for this workspace page, in registration order."""
    parts = [panel(request=request, plan=plan, page=page) for panel in _workspace_panels]
    return mark_safe("".join(part for part in parts if part))  # noqa: S308 -- panels return rendered, escaped HTML
