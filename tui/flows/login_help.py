"""« Aide à la connexion » (issue 21, item 2): the diagnostic table of the seed portals (MNPEM's connection
FAQ and « Tableau de diagnostic rapide », Mutuelle Mieux-Être's help pages, MESE's « Vous ne recevez pas
d'email ? ») as questions and answers in the portal's words, each answer leading to the flow that solves it.

Declared once, as data, without Textual: the login screen's help modal (``tui.screens.login_help``) and the
linear mode's Accueil menu (``LinearClient.login_help``) both render ``QUESTIONS``.

The content lives in the client, not on the server: this help is read when logging in fails, and one of the
causes it explains is a server that cannot be reached (then `« espace doctor »` says why). Its answers also
name the client's own keys and flows, which change with the client, not with the mutuelle's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.flows.actions import Registry, keys_label

TITLE = "Aide à la connexion"
INTRO = "Choisissez ce qui vous arrive : la réponse dit quoi faire, et mène à la démarche qui le règle."
PICK_HEADING = "Que se passe-t-il ?"
BACK_TO_QUESTIONS = "Revenir aux questions"
BACK_TO_WELCOME = "Retour à l'accueil"

LOGIN = "login"
"""The remedy that is the login form itself (the code is resent from the code step, after the password)."""

STILL_STUCK = (
    "Toujours rien ? Le service adhérent (n° sur votre carte de tiers payant) vérifie votre identité au "
    "téléphone, puis débloque votre accès ou vous envoie un lien de réinitialisation."
)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    """In the member's words, as the seed portals' FAQ writes them."""
    answer: tuple[str, ...]
    """One sentence per line: what happens, then what to do."""
    remedy: str | None
    """The registry action that solves it (``forgot_password``…), ``LOGIN`` for the login form, or None."""


QUESTIONS: tuple[Question, ...] = (
    Question(
        "code_not_received",
        "Je n'ai pas reçu le code",
        (
            "Le code à 6 chiffres part après le mot de passe, par e-mail ou par SMS, et vaut 10 minutes.",
            "Regardez dans les courriers indésirables (spam), puis attendez une minute : un e-mail peut "
            "arriver en retard.",
            "Sur l'écran du code, « Renvoyer un code » en envoie un nouveau (3 fois au plus, 30 secondes "
            "d'écart ; l'ancien ne vaut plus) et « le recevoir autrement » l'envoie par SMS ou par e-mail.",
            "Avec une application d'authentification, rien n'est envoyé : le code est celui qu'elle affiche.",
        ),
        LOGIN,
    ),
    Question(
        "confirmation_not_received",
        "Je n'ai pas reçu l'e-mail de confirmation",
        (
            "Après l'activation, un e-mail confirme votre adresse ; son lien et son code valent 24 heures.",
            "Regardez dans les courriers indésirables, puis demandez un nouvel e-mail : son code à 8 chiffres "
            "se colle ensuite dans le terminal.",
        ),
        "resend_confirmation",
    ),
    Question(
        "locked",
        "Mon compte est bloqué",
        (
            "Après 3 essais de mot de passe manqués, l'accès est bloqué 15 minutes, puis se débloque seul.",
            "« Mot de passe oublié » le débloque aussitôt : vous choisissez un nouveau mot de passe avec le code "
            "reçu par e-mail.",
            "Un appareil de confiance se connecte encore : des essais faits ailleurs ne le bloquent pas.",
        ),
        "forgot_password",
    ),
    Question(
        "identifier_refused",
        "Mon identifiant ne marche pas",
        (
            "L'identifiant est votre n° d'adhérent (des chiffres seulement, sur votre carte de tiers payant et "
            "vos relevés de prestations) ou, une fois le compte activé, votre adresse e-mail.",
            "Recopiez-le chiffre par chiffre : attention à 0 et O, 1 et I, 8 et B, 5 et S.",
            "Première visite ? Activez d'abord votre compte (« Première connexion »).",
            "« Identifiant oublié » envoie votre identifiant à l'adresse e-mail de votre dossier, jamais à "
            "l'écran : donnez vos nom, prénom, date de naissance et n° de sécurité sociale.",
        ),
        "forgot_identifier",
    ),
    Question(
        "password_forgotten",
        "J'ai oublié mon mot de passe",
        (
            "« Mot de passe oublié » envoie un e-mail avec un lien et un code, valables 24 heures.",
            "Le message est le même que le compte existe ou non : c'est voulu, pour protéger les comptes.",
            "Le nouveau mot de passe débloque aussi un compte bloqué et ferme vos autres sessions.",
        ),
        "forgot_password",
    ),
    Question(
        "not_activated",
        "Je n'ai pas encore activé mon compte",
        (
            "La première connexion se fait avec votre n° d'adhérent et le code d'accès du courrier de bienvenue "
            "(8 lettres), ou, sans ce courrier, avec votre identité et votre n° de sécurité sociale.",
            "Il vous faut une adresse e-mail : elle reçoit un code de confirmation, puis sert d'identifiant.",
        ),
        "activate",
    ),
    Question(
        "password_expired",
        "On me demande de changer mon mot de passe",
        (
            "Un mot de passe vaut 180 jours : passé ce délai, l'espace ne permet que de le changer.",
            "Connectez-vous avec l'ancien, puis choisissez-en un nouveau (pas un des 5 derniers).",
        ),
        LOGIN,
    ),
    Question(
        "authenticator_refused",
        "Le code de mon application d'authentification est refusé",
        (
            "Ce code change toutes les 30 secondes : si l'horloge de votre téléphone ou de votre ordinateur "
            "avance ou retarde de plus de 30 secondes, il est refusé.",
            "Réglez l'heure sur « automatique », puis réessayez ; « espace doctor » compare aussi l'horloge de "
            "cet ordinateur à celle du serveur.",
            "Téléphone perdu : un de vos 10 codes de secours remplace le code, une seule fois chacun.",
        ),
        LOGIN,
    ),
    Question(
        "server_unreachable",
        "Le serveur ne répond pas",
        (
            "Le message « serveur injoignable » vient de votre connexion ou de l'adresse du serveur.",
            "Lancez « espace doctor » dans un terminal : il vérifie l'adresse du serveur, l'horloge, le "
            "trousseau, le terminal et le fichier de configuration, et dit quoi faire pour chacun.",
        ),
        None,
    ),
)

BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def remedy_label(question: Question, registry: Registry, *, keys: bool = True) -> str | None:
    """The words of the way out, with its key on the login screen (« Mot de passe oublié ? (F4) »); without
    it in the linear mode, where the way out is a numbered choice."""
    if question.remedy is None:
        return None
    if question.remedy == LOGIN:
        return "Revenir à la connexion"
    action = registry[question.remedy]
    return f"{action.description} ({keys_label(action.keys)})" if keys else action.description


def answer_lines(question: Question) -> list[str]:
    """The answer as the member reads it, the way out for when nothing works last."""
    return [*question.answer, STILL_STUCK]
