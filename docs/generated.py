"""What the reference pages of docs/reference/ print, read from the code (`make docs` runs cog over
them; tests/test_docs.py fails when a page is stale). The schema, the formats and the indicators
have their Markdown in their own modules; here is what has no such module: every command line's
`--help`, the settings' environment variables and the diagram of the import-linter layers.

Nothing here depends on the machine: paths under the repository are shown relative to it, help
is laid out 100 columns wide without colour or boxes."""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import typer

import settings

WIDTH = 100
# Scripts with a command line of their own (argparse), beside the `python -m PACKAGE` ones.
SCRIPT_FOLDERS = ("deploy", "bench")


def _fence(text: str) -> str:
    return f"```text\n{text.rstrip()}\n```\n"


def _relative(value):
    """A default path inside the repository as the reader's checkout names it."""
    if isinstance(value, Path) and value.is_relative_to(settings.ROOT):
        return PurePosixPath(value.relative_to(settings.ROOT).as_posix())
    return value


def typer_help(module: str) -> list[tuple[str, str]]:
    """(command, plain help) of `python -m module` and of each of its subcommands, in the order
    the command line lists them."""
    group = typer.main.get_command(importlib.import_module(f"{module}.__main__").app)
    prog = f"python -m {module}"
    pages = []

    def walk(command, name, parent, path):
        command.rich_markup_mode = None  # click's own layout: no colour, no boxes
        for param in command.params:
            param.default = _relative(param.default)
        ctx = command.context_class(command, info_name=name, parent=parent,
                                    terminal_width=WIDTH, max_content_width=WIDTH)
        pages.append((path, command.get_help(ctx)))
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(sub, sub_name, ctx, f"{path} {sub_name}")

    walk(group, prog, None, prog)
    return pages


def command_modules() -> list[str]:
    """The packages run as `python -m PACKAGE` (each with a __main__.py holding a typer `app`)."""
    return sorted(p.parent.name for p in settings.ROOT.glob("*/__main__.py"))


def scripts() -> list[str]:
    """The scripts of SCRIPT_FOLDERS that parse their arguments with argparse."""
    return sorted(p.relative_to(settings.ROOT).as_posix() for folder in SCRIPT_FOLDERS
                  for p in (settings.ROOT / folder).glob("*.py")
                  if "argparse.ArgumentParser" in p.read_text(encoding="utf-8")
                  and '__name__ == "__main__"' in p.read_text(encoding="utf-8"))


def script_help(script: str) -> str:
    """`python SCRIPT --help`, run in a process of its own at a fixed width (argparse reads COLUMNS)."""
    out = subprocess.run([sys.executable, script, "--help"], cwd=settings.ROOT, capture_output=True,
                         text=True, env={"COLUMNS": str(WIDTH), "PYTHONPATH": str(settings.ROOT)})
    if out.returncode != 0:
        raise RuntimeError(f"{script} --help failed (exit {out.returncode}): {out.stderr.strip()}")
    return out.stdout


def cli_markdown() -> str:
    """docs/reference/cli.md's body: every command's `--help`."""
    parts = []
    for module in command_modules():
        for path, text in typer_help(module):
            parts.append(f"### `{path}`\n\n{_fence(text)}")
    listed = scripts()
    with ThreadPoolExecutor() as pool:  # each script starts a Python of its own
        for script, text in zip(listed, pool.map(script_help, listed)):
            parts.append(f"### `python {script}`\n\n{_fence(text)}")
    return "\n".join(parts)


# settings.py: its docstring describes each variable ("- NAME: what ..."); its code reads them
# through these calls, the first argument the variable's name.
READERS = ("_path", "_whole", "get", "getenv")


def _described() -> dict[str, str]:
    """NAME -> its description in settings.py's docstring; a bullet naming several variables in
    parentheses (the credentials) under its own first words."""
    doc = ast.get_docstring(ast.parse((settings.ROOT / "settings.py").read_text(encoding="utf-8")))
    bullets, current = [], None
    for line in doc.splitlines():
        if line.startswith("- "):
            current = [line[2:].strip()]
            bullets.append(current)
        elif current is not None and line.startswith("  "):
            current.append(line.strip())
        else:
            current = None
    return {b[0].split(":", 1)[0].split(" (")[0]: " ".join(b) for b in bullets}


def _read_in_code() -> list[tuple[str, str, str]]:
    """(variable, settings name, default as the reader's checkout has it) in the order settings.py
    reads them."""
    tree = ast.parse((settings.ROOT / "settings.py").read_text(encoding="utf-8"))
    found, defaults = [], {"ROOT": PurePosixPath(".")}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            continue
        target = node.targets[0].id
        calls = [c for c in ast.walk(node.value) if isinstance(c, ast.Call)
                 and getattr(c.func, "id", getattr(c.func, "attr", None)) in READERS
                 and c.args and isinstance(c.args[0], ast.Constant)]
        fallback = (node.value.values[-1] if isinstance(node.value, ast.BoolOp)
                    and isinstance(node.value.op, ast.Or) else
                    calls[0].args[1] if calls and len(calls[0].args) > 1 else None)
        try:
            default = eval(compile(ast.Expression(fallback), "settings.py", "eval"),
                           {"__builtins__": {}}, dict(defaults)) \
                if fallback is not None else None
        except NameError:
            default = None
        if default is not None:
            defaults[target] = default
        for call in calls:
            found.append((call.args[0].value, target, "" if default is None else str(default)))
    return found


def settings_markdown() -> str:
    """docs/reference/settings.md's table: each environment variable settings.py reads, its
    default and its description; then the credentials, named by etl/fetch.toml."""
    described = _described()
    rows = _read_in_code()
    missing = [name for name, _, _ in rows if name not in described]
    if missing:
        raise ValueError(f"settings.py reads {', '.join(missing)} but its docstring does not describe "
                         "it: add a '- NAME: what it does' line there, then run `make docs`.")
    lines = ["| variable | default | `settings.` | what |", "|---|---|---|---|"]
    for name, target, default in rows:
        text = described.pop(name).split(":", 1)[1].strip()
        lines.append(f"| `{name}` | {f'`{default}`' if default else '(unset)'} | `{target}` | {text} |")
    config = tomllib.loads((settings.ROOT / "etl" / "fetch.toml").read_text(encoding="utf-8"))
    credentials = [value for section in config.values() if isinstance(section, dict)
                   for key, value in section.items() if key.endswith("_env")]
    for heading, text in described.items():
        lines.append(f"| {', '.join(f'`{c}`' for c in credentials) if heading == 'Credentials' else heading}"
                     f" | (unset) | | {text} |")
    return "\n".join(lines)


def layers_markdown() -> str:
    """docs/architecture.md's diagram: the import-linter contracts of .importlinter (checked by
    tests/test_layers.py), the layers drawn top to bottom, then each forbidden import."""
    import configparser

    config = configparser.ConfigParser()
    config.read(settings.ROOT / ".importlinter", encoding="utf-8")
    lines = []
    for section in config.sections():
        if not section.startswith("importlinter:contract:"):
            continue
        contract = config[section]
        names = lambda key: [n.strip() for n in contract.get(key, "").splitlines() if n.strip()]
        lines.append(f"**{contract['name']}** (`{section.split(':')[-1]}`, {contract['type']})\n")
        if contract["type"] == "layers":
            layers = names("layers")
            width = max(map(len, layers))
            drawing = [f"{layer:^{width}}" + ("\n" + f"{'|':^{width}}\n" + f"{'v':^{width}}"
                                             if i < len(layers) - 1 else "")
                       for i, layer in enumerate(layers)]
            lines.append(_fence("\n".join(line.rstrip() for line in "\n".join(drawing).splitlines())))
        elif contract["type"] == "forbidden":
            lines.append(f"- from: {', '.join(f'`{n}`' for n in names('source_modules'))}")
            lines.append(f"- never to: {', '.join(f'`{n}`' for n in names('forbidden_modules'))}")
            if names("ignore_imports"):
                lines.append(f"- except: {', '.join(f'`{n}`' for n in names('ignore_imports'))}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
