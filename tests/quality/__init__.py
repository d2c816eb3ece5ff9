"""Outside validators and browser checks on the real built site (marker: browser)."""
