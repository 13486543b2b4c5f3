"""Framework M standard runtime."""
