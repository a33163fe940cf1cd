#!/usr/bin/env python3
"""Checks the workspace's structure that the compiler does not: no import cycle between the
files of a crate (a `use` of `crate::a::b` or `super::x` makes the file depend on the module's
file), and no lower crate naming a higher one. Prints each cycle and exits 1 when any.

Usage: scripts/check_layers.py [CRATE_SRC_DIR ...]   (default: every crate's src/)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = ["crates/whohosts-core/src", "crates/whohosts-app/src", "crates/test-support/src", "src"]
# Which crates each crate may name (lower layers only).
LAYERS = {
    "crates/whohosts-core/src": {"whohosts_core"},
    "crates/whohosts-app/src": {"whohosts_core", "whohosts_app"},
    "crates/test-support/src": {"whohosts_core", "test_support"},
    "src": {"whohosts_core", "whohosts_app", "whohosts"},
}
WORKSPACE_CRATES = {"whohosts_core", "whohosts_app", "test_support", "whohosts"}
USE = re.compile(r"\b(?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+")
EXTERN = re.compile(r"\b(whohosts_core|whohosts_app|test_support|whohosts)::")


def strip_tests(text):
    """Drops `#[cfg(test)]` items: test modules may use whatever they test."""
    out, skip, depth = [], False, 0
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("#[cfg(test)]"):
            # Skip the attribute and the item after it (to its matching brace or semicolon).
            i += 1
            depth = 0
            started = False
            while i < len(lines):
                depth += lines[i].count("{") - lines[i].count("}")
                started = started or "{" in lines[i]
                end = (started and depth <= 0) or (not started and lines[i].rstrip().endswith(";"))
                i += 1
                if end:
                    break
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def check(src):
    files = {}
    for dirpath, _, names in os.walk(os.path.join(ROOT, src)):
        for name in names:
            # Test-only files (`#[cfg(test)] #[path = "x_tests.rs"]`) may use anything.
            if name.endswith(".rs") and not (name.endswith("_tests.rs") or name == "tests.rs"):
                path = os.path.join(dirpath, name)
                files[module_of(os.path.join(ROOT, src), path)] = path
    problems = []
    graph = {m: set() for m in files}
    for module, path in files.items():
        text = strip_tests(open(path, encoding="utf-8").read())
        text = re.sub(r"//.*", "", text)
        for other in EXTERN.findall(text):
            if other in WORKSPACE_CRATES and other not in LAYERS[src]:
                problems.append(f"{os.path.relpath(path, ROOT)}: a lower layer names {other}")
        is_dir_module = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
        for use in USE.findall(text):
            parts = use.split("::")
            if parts[0] == "crate":
                target = parts[1:]
            else:
                base = list(module if is_dir_module else module[:-1])
                if parts[0] == "self":
                    base = list(module)
                while parts and parts[0] == "super":
                    base = base[:-1]
                    parts = parts[1:]
                target = base + [p for p in parts if p not in ("self", "super")]
            # The longest prefix that is a file of this crate.
            for n in range(len(target), 0, -1):
                candidate = tuple(target[:n])
                if candidate in files and candidate != module and not module[: len(candidate)] == candidate:
                    graph[module].add(candidate)
                    break
    # Cycles: strongly connected components with more than one file.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            strong(v)
    for comp in sccs:
        names = sorted("/".join(c) or "lib" for c in comp)
        problems.append(f"{src}: import cycle between {', '.join(names)}")
    return problems


def main():
    crates = sys.argv[1:] or CRATES
    problems = [p for c in crates for p in check(c)]
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"layers: no import cycles, no upward imports ({len(crates)} crates)")


main()
