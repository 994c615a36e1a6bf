"""Removes from a chart directory what `helm package` leaves out, so a vendored chart holds what
its published package holds.

    helmignore.py CHART_DIR

Helm reads `.helmignore` in the chart's root (and each subchart's, for its own files): one
pattern a line, `#` comments, `!` to negate, a trailing `/` for directories only, shell globs
matched against the path relative to the chart (or against the base name when the pattern has
no `/`), as Helm's ignore package does (helm.sh/helm/v4/internal/ignore). The chart's own
`.gitignore` files go too: they are not chart content, and they would hide vendored subcharts
from git. Standard library only.
"""

import fnmatch
import pathlib
import shutil
import sys


def rules(chart: pathlib.Path) -> list:
    ignore = chart / ".helmignore"
    out = []
    if ignore.is_file():
        for line in ignore.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            line = line[1:] if negate else line
            dir_only = line.endswith("/")
            out.append((negate, dir_only, line.rstrip("/").lstrip("/")))
    return out


def ignored(rel: pathlib.PurePath, is_dir: bool, patterns: list) -> bool:
    result = False
    for negate, dir_only, pattern in patterns:
        if dir_only and not is_dir:
            continue
        target = str(rel) if "/" in pattern else rel.name
        if fnmatch.fnmatchcase(target, pattern):
            result = not negate
    return result


def prune(chart: pathlib.Path) -> list:
    patterns = rules(chart)
    removed = []

    def walk(d: pathlib.Path):
        for child in sorted(d.iterdir()):
            rel = child.relative_to(chart)
            if child.name == ".gitignore" or ignored(rel, child.is_dir(), patterns):
                removed.append(str(rel) + ("/" if child.is_dir() else ""))
                shutil.rmtree(child) if child.is_dir() else child.unlink()
            elif child.is_dir():
                if rel.parts[0] == "charts" and len(rel.parts) == 2 and (child / "Chart.yaml").is_file():
                    removed.extend(f"{rel}/{r}" for r in prune(child))  # a subchart: its own rules
                else:
                    walk(child)

    walk(chart)
    return removed


def main(args: list[str]) -> int:
    if len(args) != 1:
        print(__doc__.strip())
        return 2
    for path in prune(pathlib.Path(args[0])):
        print(f"helmignore: left out {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
