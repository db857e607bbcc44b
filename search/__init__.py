"""Search of published plans: an index of every published version's sections, and its pages.

Imports point one way: views -> selectors (reads) and services (the index writes) -> models,
`query` (what the reader typed) and `text` (what is indexed). The app uses plans' access,
selectors, snapshot and hooks, never its views. The index is written by a publish listener
(`plans.hooks`), inside the transaction that publishes the version.
"""
