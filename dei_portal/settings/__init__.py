"""Settings split by environment: base (shared), dev, test, prod.

Select one with DJANGO_SETTINGS_MODULE; manage.py defaults to dev.
"""
