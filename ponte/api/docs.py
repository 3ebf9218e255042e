"""Human documentation of the API, rendered on the server from the OpenAPI document.

Ponte's own page instead of Swagger UI: it works without JavaScript, speaks the reader's
language around the API's own (English) descriptions, and passes the accessibility
checks every Ponte page must pass. The machine-readable description stays at
/api/openapi.json for tools that want it.
"""

from typing import Any

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict, components: dict) -> tuple[str, dict]:
    """The schema's name and definition, following one $ref."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[-1]
        return name, components.get(name, {})
    return "", schema


def _type_of(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return _resolve(schema, components)[0]
    if "anyOf" in schema:
        return " or ".join(_type_of(option, components) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}), components)}"
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(schema: dict, components: dict) -> list[dict[str, Any]]:
    _name, definition = _resolve(schema, components)
    required = set(definition.get("required", []))
    return [
        {
            "name": name,
            "type": _type_of(prop, components),
            "required": name in required,
            "description": prop.get("description", ""),
        }
        for name, prop in definition.get("properties", {}).items()
    ]


def describe(schema: dict) -> list[dict[str, Any]]:
    """Operations grouped by tag, in the order the API declares them."""
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            responses = []
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                media, spec = next(iter(content.items()), ("", {}))
                responses.append(
                    {
                        "status": status,
                        "description": response.get("description", ""),
                        "media": media,
                        "type": _type_of(spec.get("schema", {}), components) if spec else "",
                    }
                )
            groups.setdefault(operation.get("tags", ["api"])[0], []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "public": {} in operation.get("security", [{}]),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type_of(p.get("schema", {}), components),
                            "description": p.get("description", "") or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _fields(body["schema"], components) if body else [],
                    "responses": responses,
                }
            )
    return [{"tag": tag, "operations": operations} for tag, operations in groups.items()]


def data_types(schema: dict) -> list[dict[str, Any]]:
    """Every named schema, with its fields or its allowed values."""
    components = schema.get("components", {}).get("schemas", {})
    return [
        {
            "name": name,
            "fields": _fields({"$ref": f"#/components/schemas/{name}"}, components),
            "values": definition.get("enum", []),
            "description": definition.get("description", ""),
        }
        for name, definition in sorted(components.items())
    ]


class ReadableDocs(DocsBase):
    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "info": schema.get("info", {}),
                "groups": describe(schema),
                "data_types": data_types(schema),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
