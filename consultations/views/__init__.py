"""Consultation pages: the collaborators' side (public) and the committee's side (committee)."""
