"""Extension points that other apps plug into from their AppConfig.ready(), so plans never imports them.

- `register_demo_loader(fn)`: `load_demo` calls `fn(plan=..., users=...)` after the plans demo,
  inside the same transaction; `fn` returns a line to print, or "" when it changed nothing.
- `register_publish_listener(fn)`: `plan_publish` calls `fn(version)` inside the publishing
  transaction, right after the version row is written, so whatever a listener writes (a search
  index, queued emails) commits or rolls back with the version itself. A listener that has
  slow work to do queues it (for example with `transaction.on_commit` and a background task).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
