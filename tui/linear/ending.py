"""How a linear session's questions end early, shared by the client and every linear module (so that none
of them imports the client for it)."""


class EndOfInput(Exception):
    """Standard input is closed (or Ctrl+D at a main menu): leave quietly."""


class Cancelled(Exception):
    """Ctrl+C, or Ctrl+D in a question: the current form or flow ends and nothing is sent. Caught by the
    menu that started it, which says so and asks again."""
