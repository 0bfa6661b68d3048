"""The README stays true: every command and option is documented, every example in it runs."""

import glob
import re
import shlex
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest

from kg.cli import app, main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXTERNAL = ("serve", "push")  # need a server: run by test_serve_example and tests/test_virtuoso.py


def _commands():
    import typer.main

    return typer.main.get_command(app).commands


def _blocks(lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", README, re.S)


def example_lines():
    """Every README shell line that runs ``.venv/bin/gbakg``, as the argument lists it chains with ``&&``."""
    found = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            chain = []
            for part in line.split("&&"):
                part = part.split("&   #")[0].strip().rstrip("&").strip()
                if part.startswith(".venv/bin/gbakg "):
                    chain.append(shlex.split(part)[1:])
            if chain:
                found.append(chain)
    return found


def example_commands():
    return [args for chain in example_lines() for args in chain]


def test_every_command_and_option_is_in_the_commands_table():
    for name, command in _commands().items():
        rows = [line for line in README.splitlines() if line.startswith(f"| `gbakg {name}")]
        assert rows, f"gbakg {name} is missing from the README's commands table"
        for param in command.params:
            names = [o for o in [*param.opts, *param.secondary_opts] if o.startswith("--") and o != "--help"]
            if names:  # a flag pair (--x/--no-x) is documented by either name
                assert any(re.search(re.escape(o) + r"\b", rows[0]) for o in names), f"gbakg {name} {names[0]} is not documented"


def test_every_command_has_an_example():
    used = {args[0] for args in example_commands()}
    assert set(_commands()) <= used, sorted(set(_commands()) - used)


def _local(args, out, tmp_path):
    fixed = []
    for arg in args:
        if arg.startswith("../shared/"):
            expanded = sorted(glob.glob(str(ROOT / arg)))
            fixed += expanded or [str(ROOT / arg)]
        elif arg.startswith("/tmp/"):
            fixed.append(str(tmp_path / arg[5:]))
        else:
            fixed.append(arg)
    if "--out" in fixed:
        i = fixed.index("--out")
        if fixed[i + 1] == "out":
            fixed[i + 1] = str(out)
    elif args[0] not in ("extract", "eval", "queries"):
        fixed += ["--out", str(out)]
    return fixed


LOCAL_EXAMPLES = [c for c in example_lines() if all(a[0] not in EXTERNAL and "--endpoint" not in a for a in c)]


@pytest.mark.parametrize("chain", LOCAL_EXAMPLES, ids=[" && ".join(" ".join(a) for a in c)[:70] for c in LOCAL_EXAMPLES])
def test_readme_example_runs(chain, built_out, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(built_out, out, ignore=shutil.ignore_patterns("store"))
    for args in chain:
        with pytest.raises(SystemExit) as exit_info:
            main(_local(args, out, tmp_path))
        captured = capsys.readouterr()
        assert exit_info.value.code == 0, captured.err
        assert captured.out.strip()


def test_serve_example(built_out):
    from kg.serve import make_server

    line = next(line for block in _blocks("sh") for line in block.splitlines() if "gbakg serve" in line)
    url = re.search(r"curl -H '([^']+)' '([^']+)'", line)
    header, address = url.group(1).split(": "), url.group(2)
    server = make_server(built_out, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        local = re.sub(r"http://127\.0\.0\.1:\d+", f"http://127.0.0.1:{server.server_port}", address)
        request = urllib.request.Request(local, headers={header[0]: header[1]})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode("utf-8")
        assert body.splitlines()[0] == "s" and f"{ROOT.name}" not in body
        assert "https://w3id.org/gba-kg/id/City/" in body
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("query", _blocks("sparql"))
def test_readme_sparql_examples_answer(query, built_out):
    from kg.store import open_store, query_store

    assert query_store(open_store(built_out), query).terms
