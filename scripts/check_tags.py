"""Checks every synthesized resource against the resource schemas cfn-lint ships.

- A resource whose type takes `Tags` must carry them, in the shape its schema wants (a list of
  Key/Value pairs or a map), including plinth's `managed-by` tag.
- A launch template must tag itself and what it launches.
- A resource whose type takes no tags must not have any.

This keeps plinth's own table of tag styles (crates/plinth-cfn/src/tags.rs) honest.
"""

import json
import pathlib
import sys

import cfnlint

SCHEMAS = pathlib.Path(cfnlint.__file__).parent / "data" / "schemas"


def schema_for(region: str, kind: str) -> dict:
    index = json.loads((SCHEMAS / "providers" / f"{region}.json").read_text())
    return json.loads((SCHEMAS / "resources" / f"{index[kind]}.json").read_text())


def tag_keys(tags) -> set:
    if isinstance(tags, list):
        return {t["Key"] for t in tags}
    return set(tags)


def main(paths: list[str]) -> int:
    problems = []
    checked = 0
    for path in paths:
        template = json.loads(pathlib.Path(path).read_text())
        for lid, res in template["Resources"].items():
            kind, props = res["Type"], res.get("Properties", {})
            schema = schema_for("us-east-1", kind)
            taggable = "Tags" in schema.get("properties", {})
            where = f"{pathlib.Path(path).name}: {lid} ({kind})"
            checked += 1
            if kind == "AWS::EC2::LaunchTemplate":
                inner = props["LaunchTemplateData"].get("TagSpecifications", [])
                outer = props.get("TagSpecifications", [])
                kinds = {s["ResourceType"] for s in inner} | {s["ResourceType"] for s in outer}
                if not {"launch-template", "instance", "volume", "network-interface"} <= kinds:
                    problems.append(f"{where}: tags only {sorted(kinds)}")
                continue
            if taggable and "Tags" not in props:
                problems.append(f"{where}: the type takes tags but has none")
            elif not taggable and "Tags" in props:
                problems.append(f"{where}: the type takes no tags but has some")
            elif taggable:
                wants_list = schema["properties"]["Tags"].get("type") == "array" or "items" in schema["properties"]["Tags"]
                if wants_list != isinstance(props["Tags"], list):
                    problems.append(f"{where}: tags are a {'map' if wants_list else 'list'}, the schema wants the other")
                elif not any(k.endswith(":managed-by") for k in tag_keys(props["Tags"])):
                    problems.append(f"{where}: missing the managed-by tag")
    for p in problems:
        print(p)
    print(f"tags: {checked} resources checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
