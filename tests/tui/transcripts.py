"""Fragments of the linear mode's expected transcripts that several flows share, written once: a new
entry in the Accueil menu, or a change in the code step, is then one edit, not one per test file."""

ACCUEIL = """\
== Accueil ==
1. Se connecter
2. Première connexion : activer mon compte
3. Mot de passe oublié ?
4. Identifiant oublié ?
5. Renvoyer l'e-mail de confirmation
6. Ce n'est pas moi : annuler un changement d'e-mail ou de mobile
7. Aide à la connexion : code non reçu, compte bloqué, identifiant refusé…
8. Quitter
Votre choix (1 à 8) :
"""
ACCUEIL_AGAIN = """\
== Accueil == (8 choix ; « r » : les relire)
Votre choix (1 à 8) :
"""
"""The Accueil menu the next times: read in full once, then reminded in one line (issue 18)."""


def code_then_not_trusted(masked_email: str) -> str:
    """The second-factor step by e-mail, the code checked, then « Non merci » to « Se fier à cet appareil ? »."""
    return f"""\
== Code de connexion ==
Un code à 6 chiffres a été envoyé par e-mail à {masked_email}.
Code valable jusqu'à 10 h 10.
Renvois possibles : 3 renvois restants.
Ou tapez « r » pour renvoyer un code ou « a » pour le recevoir autrement.
Code reçu (6 chiffres) :
Vérification du code…
Code accepté.
Sur un appareil de confiance, le code n'est plus demandé pendant 3 mois. Répondez « Non merci » sur un \
ordinateur partagé.
== Se fier à cet appareil ? ==
1. Oui
2. Non merci
Votre choix (1 à 2) :
Cet appareil n'est pas retenu : le code sera demandé à la prochaine connexion. Connexion réussie.
"""
