"""Starlette requests as Authlib ``OAuth2Request`` objects (the adapter Authlib leaves to us)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from starlette.requests import Request

Pairs = Sequence[tuple[str, str]]


class PairsPayload(OAuth2Payload):  # type: ignore[misc]
    """Query and form parameters; ``datalist`` keeps repeats so Authlib can refuse them."""

    def __init__(self, pairs: Pairs) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        """First value of each parameter."""
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        """All values of each parameter."""
        return self._datalist


class SandboxRequest(OAuth2Request):  # type: ignore[misc]
    """An ``OAuth2Request`` built from already-read query and form parameters."""

    def __init__(self, method: str, uri: str, headers: Mapping[str, str], query: Pairs, form: Pairs = ()) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(form)
        self.payload = PairsPayload([*query, *form])

    @property
    def args(self) -> dict[str, str]:
        """Query parameters."""
        return self._args

    @property
    def form(self) -> dict[str, str]:
        """Form parameters."""
        return self._form


def oauth_uri(request: Request) -> str:
    """The request URL as Authlib should see it.

    Authlib refuses plain HTTP except on loopback addresses. The sandbox bank is a test
    bank that may be reached over plain HTTP by name (``--host 0.0.0.0`` in a demo), so
    it presents its URL as ``https``; a real bank terminates TLS in front of the server.
    """
    return str(request.url.replace(scheme="https"))


async def from_starlette(request: Request) -> SandboxRequest:
    """Read the query string and (for POST) the form body of a Starlette request."""
    form: list[tuple[str, str]] = []
    if request.method == "POST":
        data = await request.form()
        form = [(key, value) for key, value in data.multi_items() if isinstance(value, str)]
    return SandboxRequest(
        request.method,
        oauth_uri(request),
        request.headers,
        list(request.query_params.multi_items()),
        form,
    )
