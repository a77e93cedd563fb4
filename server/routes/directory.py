"""The care finder (issue 21): one search for members and conseillers alike (the directory is public data;
a session is asked so that the server is not an open mirror of it)."""

from typing import Annotated

from fastapi import APIRouter, Query

from models.schemas.directory import DirectoryPage, DirectoryQuery
from server.deps import CurrentAuth, SessionDep
from server.errors import error_responses
from server.services import directory as service

router = APIRouter(tags=["annuaire"])


@router.get(
    "/directory",
    response_model=DirectoryPage,
    responses=error_responses(401, 403, 422),
    summary="Trouver un professionnel de santé ou un établissement",
    description=(
        "Par nom, profession ou spécialité (« q ») et ville, code postal ou département (« where ») : au "
        "moins un des deux, accents et majuscules indifférents. Les praticiens viennent de l'extraction RPPS "
        "de l'Annuaire Santé, les établissements du fichier FINESS ; le secteur de convention (et l'OPTAM) "
        "n'y figure pas : il est donné quand la mutuelle le connaît, « Secteur non renseigné » sinon."
    ),
)
def search_directory(
    query: Annotated[DirectoryQuery, Query()], current: CurrentAuth, session: SessionDep
) -> DirectoryPage:
    return service.search(session, query)
