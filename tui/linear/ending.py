"""How a linear session's questions end early, shared by the client and every linear module (so that none
of them imports the client for it)."""


class EndOfInput(Exception):
    """Standard input is closed (or Ctrl+D at a main menu): leave quietly."""


class Cancelled(Exception):
    """Ctrl+C, or Ctrl+D in a question: the current form or flow ends and nothing is sent. Caught by the
    menu that started it, which says so and asks again."""


class Back(Cancelled):
    """« 0 » or « retour » in a menu that has no « Retour » entry: that menu is left. A flow that offered
    the menu through ``Face.pick`` gets None and goes on (one step back); anywhere else it ends the flow."""
