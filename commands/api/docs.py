"""The write API's OpenAPI schema and its offline docs page (see config.api_docs)."""

from commands.api.schema import WriteSchemaGenerator
from config.api_docs import OfflineDocsView, OpenSchemaView, docs_asset

__all__ = ["DocsView", "SchemaView", "docs_asset"]


class SchemaView(OpenSchemaView):
    """OpenAPI 3 document of the write API."""

    generator_class = WriteSchemaGenerator


class DocsView(OfflineDocsView):
    url_name = "api:schema"
    asset_url_name = "api:docs-asset"
