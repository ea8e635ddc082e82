"""Every state change of the IT-skills test, by subject: the bank, sessions, attempts."""
