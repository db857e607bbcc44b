"""Consultations on a draft: the collaboration comments on a frozen candidate before the committee adopts it.

Imports point one way: views -> selectors / services / forms -> models; all of them use plans'
access, selectors, snapshot, diff and services (never plans' views), audit and notifications' services.
"""
