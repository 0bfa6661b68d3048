"""Start a private Virtuoso Open Source server on loopback for integration tests (Debian's package)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def available() -> bool:
    return shutil.which("virtuoso-t") is not None and SYSTEM_INI.is_file()


def write_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    text = SYSTEM_INI.read_text(encoding="utf-8")
    text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*1111\s*$", rf"ServerPort\g<1>= 127.0.0.1:{sql_port}", text)
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*8890\s*$", rf"ServerPort\g<1>= 127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^DirsAllowed(\s*)=.*$", rf"DirsAllowed\g<1>= ., {folder}, /usr/share/virtuoso-opensource-7/vad", text)
    text = re.sub(r"(?m)^NumberOfBuffers(\s*)=.*$", r"NumberOfBuffers\g<1>= 20000", text)
    ini = folder / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


def start(folder: Path, timeout: float = 60.0) -> tuple[subprocess.Popen[bytes], str]:
    """A running server and its base URL (``http://127.0.0.1:PORT``); ``/sparql`` answers when it returns."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = write_ini(folder, sql_port, http_port)
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {(folder / 'stdout.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"virtuoso did not answer on {base}/sparql within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
