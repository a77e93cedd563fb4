"""The care finder of the API (issue 21), over an ``ApiClient``: one search, for members and conseillers."""

from __future__ import annotations

from models.schemas.directory import DirectoryPage, DirectoryQuery
from tui.api.client import ApiClient


class DirectoryApi:
    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def search(self, query: DirectoryQuery) -> DirectoryPage:
        params = query.model_dump(mode="json", exclude_defaults=True)
        return self.api._parse(await self.api._request("GET", "/directory", params=params, auth=True), DirectoryPage)
