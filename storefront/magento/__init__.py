"""Magento client package: the only code in the storefront that speaks Magento's wire format.

Rules:
- Apps import from here only in their ``upstream.py``; everything else sees the app's own dataclasses.
- Public surface: ``get_client()`` (process-wide ``MagentoClient``), ``load_document`` for GraphQL
  documents, ``GraphQLResult``, and the typed errors. Test helpers live in ``storefront.magento.testing``;
  the per-request call record in ``storefront.magento.calls``.
"""

from __future__ import annotations

from storefront.magento.client import GraphQLResult, MagentoClient, get_client, reset_client
from storefront.magento.documents import Document, DocumentError, load_document
from storefront.magento.errors import (
    ErrorDetail,
    MagentoAuthError,
    MagentoError,
    MagentoForbidden,
    MagentoGraphQLError,
    MagentoInputError,
    MagentoNotFound,
    MagentoRateLimited,
    MagentoUnavailable,
)

__all__ = [
    "Document",
    "DocumentError",
    "ErrorDetail",
    "GraphQLResult",
    "MagentoAuthError",
    "MagentoClient",
    "MagentoError",
    "MagentoForbidden",
    "MagentoGraphQLError",
    "MagentoInputError",
    "MagentoNotFound",
    "MagentoRateLimited",
    "MagentoUnavailable",
    "get_client",
    "load_document",
    "reset_client",
]
