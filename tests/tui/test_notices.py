"""Issue 19, item 10: a notice (toast) hides nothing — it takes its own lines, the text moves up meanwhile."""

from __future__ import annotations

from textual.widgets import Footer, Static
from textual.widgets._toast import Toast

from tui.app import EspaceApp
from tui.screens.dashboard import DashboardScreen

from .conftest import settle


async def test_a_notice_covers_no_text_nor_the_footer(api, token_store, log_in_as, coralie):
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        app.notify("Fichier CSV enregistré : /home/coralie/Téléchargements/remboursements.csv", timeout=30)
        await settle(pilot)
        [toast] = app.screen.query(Toast)
        shown = [w for w in app.screen.query(Static) if not isinstance(w, Toast) and w.region.area and w.render()]
        assert shown, "the dashboard's text is on screen"
        covered = [w for w in [*shown, app.screen.query_one(Footer)] if w.region.overlaps(toast.region)]
        assert covered == []
        assert toast.region.height == 1  # one line, whole width: the sentence fits at 80 columns
