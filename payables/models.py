"""Payables: see the module docstring written with the payables app."""
