"""Approvals: see the module docstring written with the approvals app."""
