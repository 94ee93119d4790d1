"""Write the JSON Schema documents: ``python -m schemas``."""

import orjson

from schemas import CONTRACTS, json_schema, schema_path

for model in CONTRACTS:
    path = schema_path(model)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(orjson.dumps(json_schema(model), option=orjson.OPT_INDENT_2) + b"\n")
    print(path)
