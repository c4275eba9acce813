"""The read API's OpenAPI schema and its offline docs page (see config.api_docs)."""

from config.api_docs import OfflineDocsView, OpenSchemaView, docs_asset

__all__ = ["DocsView", "SchemaView", "docs_asset"]


class SchemaView(OpenSchemaView):
    """OpenAPI 3 document of the read API."""


class DocsView(OfflineDocsView):
    url_name = "readapi:schema"
    asset_url_name = "readapi:docs-asset"
