"""The boundary probe: the values that stop a Swift process, sent to every operation on purpose.

schemathesis draws values at random, and with the few examples per operation CI can afford it
rarely draws the ones that matter most here: an integer near 2^63 (Swift traps on the overflow of
`(page - 1) * limit` and the whole process stops), an integer beyond PostgreSQL's `integer`, a
NUL character (PostgreSQL's text types refuse it). This probe sends each of them, one parameter
at a time, to every query parameter and every integer or string field of a JSON body, the other
fields filled from their schema, and reports every answer of 500 or above and every request left
without an answer (a process that died is reported by run.py too).
"""

from __future__ import annotations

import copy
import json
import urllib.parse

INTEGERS = ["9223372036854775807", "-9223372036854775808", "1152921504606846975", "99999999999999999999", "2147483648"]
BODY_INTEGERS = [9223372036854775807, -9223372036854775808, 17592186044417, 2147483648, 1e300]
NUL_TEXT = "a\u0000b"
PLACEHOLDER_UUID = "00000000-0000-4000-8000-000000000000"


def resolve(document: dict, node):
    """The node with its $ref (and an allOf's first part) followed."""
    seen = 0
    while isinstance(node, dict) and seen < 20:
        seen += 1
        if "$ref" in node:
            target = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        elif "allOf" in node and node["allOf"]:
            merged: dict = {"type": "object", "properties": {}, "required": []}
            for part in node["allOf"]:
                part = resolve(document, part)
                merged["properties"].update(part.get("properties", {}))
                merged["required"] += part.get("required", [])
            node = merged
        elif "oneOf" in node or "anyOf" in node:
            node = (node.get("oneOf") or node.get("anyOf"))[0]
        else:
            break
    return node


def sample(document: dict, schema, depth: int = 0):
    """A plausible value for the schema: its example, default or first enum value, else one of its type."""
    schema = resolve(document, schema or {})
    if not isinstance(schema, dict) or depth > 6:
        return None
    for key in ("example", "default"):
        if key in schema:
            return copy.deepcopy(schema[key])
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        return {name: sample(document, child, depth + 1) for name, child in schema.get("properties", {}).items()
                if name in schema.get("required", []) or depth == 0}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "string":
        return {"uuid": PLACEHOLDER_UUID, "email": "probe@example.com", "date-time": "2025-01-31T12:00:00Z",
                "uri": "http://127.0.0.1:9/probe", "date": "2025-01-31"}.get(schema.get("format", ""), "probe")
    return None


def fields(document: dict, schema, prefix=()) -> list[tuple[tuple, str]]:
    """(path, type) of the integer and string fields of a body schema, nested objects included."""
    schema = resolve(document, schema or {})
    out = []
    for name, child in (schema.get("properties") or {}).items() if isinstance(schema, dict) else []:
        child = resolve(document, child)
        kind = child.get("type") if isinstance(child, dict) else None
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind in ("integer", "string") and not child.get("enum"):
            out.append(((*prefix, name), kind))
        elif kind == "object" and len(prefix) < 3:
            out += fields(document, child, (*prefix, name))
    return out


def with_value(body, path: tuple, value):
    body = copy.deepcopy(body) if isinstance(body, dict) else {}
    target = body
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target.get(key), dict) or key not in target else target[key]
    target[path[-1]] = value
    return body


def requests(document: dict, path: str, method: str, operation: dict, path_values: dict):
    """(description, url path with query, JSON body or None) of each probe for one operation."""
    parameters = [resolve(document, p) for p in operation.get("parameters", []) if isinstance(p, dict)]
    concrete = path
    for parameter in parameters:
        if parameter.get("in") == "path":
            value = path_values.get(parameter["name"], PLACEHOLDER_UUID)
            concrete = concrete.replace("{" + parameter["name"] + "}", urllib.parse.quote(str(value), safe=""))
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        kind = resolve(document, parameter.get("schema", {})).get("type")
        values = INTEGERS if kind == "integer" else [NUL_TEXT] if kind == "string" else []
        for value in values:
            query = urllib.parse.urlencode({parameter["name"]: value})
            yield f"query {parameter['name']}={value!r}", f"{concrete}?{query}", None
    content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
    if content and method in ("post", "put", "patch"):
        schema = content.get("schema", {})
        base = sample(document, schema) or {}
        for field, kind in fields(document, schema):
            for value in (BODY_INTEGERS if kind == "integer" else [NUL_TEXT]):
                yield f"body {'.'.join(field)}={value!r}", concrete, with_value(base, field, value)


def probe(document: dict, operations, url: str, headers: dict, path_values: dict, http, revive) -> list[tuple[str, str]]:
    """Sends every probe; the (operation, problem) of each answer ≥ 500 or missing answer.
    After a missing answer `revive()` restarts a service that died, so that one crash does not
    hide the next, and the operation's other probes are skipped."""
    findings = []
    for path, method, operation in operations:
        name = f"{method.upper()} {path}"
        for description, target, body in requests(document, path, method, operation, path_values):
            try:
                status, answer = http(method.upper(), url + target, body=body, headers=headers, timeout=15)
            except OSError as error:
                findings.append((name, f"{description}: no answer ({error}){revive()}"))
                break
            if status >= 500:
                findings.append((name, f"{description}: {status} {json.dumps(answer)[:200]}"))
    return findings
