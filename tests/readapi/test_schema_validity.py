"""The read API's OpenAPI document, fetched from a running read server, is valid
under a third-party validator and documents the consistency header."""

from openapi_spec_validator import validate


def read_schema(api) -> dict:
    response = api.get(
        "/v1/schema", headers={"Accept": "application/json"}, anonymous=True
    )
    assert response.status_code == 200
    return response.json()


def test_read_schema_is_valid_openapi_3(api, catalog):
    schema = read_schema(api)

    validate(schema)

    assert schema["openapi"].startswith("3.")


def test_read_schema_documents_the_consistency_token_on_every_read(api, catalog):
    operations = [
        operation
        for item in read_schema(api)["paths"].values()
        for operation in item.values()
    ]
    headers = [
        {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        for operation in operations
    ]

    assert operations
    assert all("X-Consistency-Token" in names for names in headers)
