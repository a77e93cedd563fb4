"""What to ask, in what order, what to check and what to say: shared by the full-screen client and the
linear mode. No Textual here (an import contract checks it)."""
