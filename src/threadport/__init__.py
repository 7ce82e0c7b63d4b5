"""threadport: learn, prove and carry out the Python 2 to 3 migration of threading code."""

__version__ = "0.1.0"
