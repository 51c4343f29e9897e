"""tertial: follow-up of goals, indicators and economy for Swedish public administrations."""

__version__ = "0.1.0"
