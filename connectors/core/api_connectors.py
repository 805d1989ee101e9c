"""What the connectors of one vendor's report APIs share: their saved pages are JSON, fetched with one
credential from a base URL the operator may set (``connectors.core.http``, ``connectors.core.settings``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from connectors.core.base import ApiExport, Connector, ParsedExport
from connectors.core.http import Credential

Parse = Callable[[bytes, str], ParsedExport]
Fetch = Callable[[date, date], list[ApiExport]]


def api_pages_connectors(
    vendor: str, credential: Credential, base_url_setting: str
) -> Callable[[str, str, Parse, Fetch, str], Connector]:
    """The maker of ``vendor``'s report-API connectors: ``(source, version, parse, fetch, description)``
    -> a connector of ``*.json`` pages, fetched with ``credential`` from ``base_url_setting``."""

    def connector(source: str, version: str, parse: Parse, fetch: Fetch, description: str) -> Connector:
        return Connector(
            source=source,
            vendor=vendor,
            version=version,
            file_patterns=("*.json",),
            parse=parse,
            fetch=fetch,
            credential_variable=credential.variable,
            settings=(base_url_setting,),
            description=description,
        )

    return connector
