"""studygroup: run an online study group from one database."""

__version__ = "0.1.0"
