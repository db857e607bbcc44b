"""The audit log: who did what to whom, and when. Append-only.

The bottom of the import graph: audit imports no other app of the project, and every app may
import it. Services write their own entries with `audit.services.audit_record`, naming the
acting user explicitly (or None plus a label such as "command line").
"""
