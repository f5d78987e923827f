"""docx → PDF through a long-lived LibreOffice: started on first use, restarted when it dies, never outliving daiban.

Two sides live in this file. WarmConverter (daiban's side) runs the other side, the driver, as
`/usr/bin/python3 -m docgen.warmconvert …` under archive.base.guard: Debian's python3 is the one
with LibreOffice's UNO bindings (python3-uno). The driver starts soffice listening on a private
pipe with a private profile, connects to it, and converts the jobs it reads on stdin, answering
each with one JSON line on stdout. That interpreter has none of the venv's packages: this module
and what it imports (archive.base, docgen.convert, docgen.errors) must need only the standard library.
"""

import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from archive.base.errors import ExternalToolError
from archive.base.processes import child_environment, guarded, kill_group
from docgen.convert import (
    PDF_FILTER,
    SOFFICE_FLAGS,
    STDERR_TAIL,
    _check_sources,
    _names,
    default_timeout,
    find_soffice,
    publish,
    soffice_environment,
)
from docgen.errors import ConversionError

UNO_PYTHON = Path("/usr/bin/python3")
UNO_PACKAGE = "python3-uno"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
OFFICE_BINARY = "soffice.bin"
OSL_PIPES = "/tmp/OSL_PIPE_"
START_TIMEOUT_S = 60.0
CLOSE_WAIT_S = 10.0
CONNECT_POLL_S = 0.02
READ_CHUNK = 65536


class _OfficeDied(Exception):
    """The office or its driver went away during a job."""


class _TimedOut(Exception):
    """The driver did not answer in time."""


class _StartFailed(Exception):
    """The office could not be started; the message says why (in Chinese)."""


class WarmConverter:
    """One private LibreOffice kept running between conversions; thread-safe, one job at a time.

    close() (or leaving a with block) ends it; at the latest it dies with the daiban process.
    """

    def __init__(self, *, soffice: str | None = None, workdir: Path | None = None,
                 start_timeout: float = START_TIMEOUT_S):
        """Nothing starts yet: the office starts on the first job (or start()); its profile lives under workdir."""
        self._soffice = soffice
        self._workdir = workdir
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        # The kernel signals a child when the *thread* that forked it ends (PR_SET_PDEATHSIG): fork the office
        # from a thread that lives as long as this converter, not from a request thread that may end any time.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="daiban-office")
        self._home: Path | None = None
        self._office: _Office | None = None
        self._starts = 0
        self._closed = False

    @property
    def office_pid(self) -> int | None:
        """Pid of the running soffice.bin, None before the first start or after close()."""
        office = self._office
        return office.office_pid if office else None

    def start(self) -> None:
        """Start the office now unless it is running (to warm up before the first request)."""
        with self._lock:
            try:
                self._running_office()
            except _StartFailed as exc:
                raise ExternalToolError(str(exc)) from None

    def convert(self, docx_files: Sequence[Path], out_dir: Path, *, timeout: float | None = None) -> list[Path]:
        """Convert the files as one job; return out_dir/<stem>.pdf for each, in order (as convert_to_pdf does).

        Succeeds only when every PDF exists and is non-empty; a PDF of the same name already in
        out_dir is replaced. Nothing lands in out_dir on failure. The timeout is the job's own,
        start-up not counted (default: convert.default_timeout). A job that finds the office dead,
        or loses it midway, runs once more on a fresh office.
        """
        sources = _check_sources(docx_files)
        if not sources:
            return []
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        limit = default_timeout(len(sources)) if timeout is None else timeout
        with self._lock, tempfile.TemporaryDirectory(prefix=".pdf-", dir=out_dir) as staging:
            failed = self._run_job(sources, Path(staging), limit)
            return publish(sources, Path(staging), out_dir, frozenset(failed))

    def close(self) -> None:
        """Stop the office and remove its profile; the converter cannot be used afterwards."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._office:
                self._office.stop()
                self._office = None
            if self._home:
                shutil.rmtree(self._home, ignore_errors=True)
            self._spawner.shutdown()

    def __enter__(self) -> "WarmConverter":
        """The converter itself; close() runs on leaving the block."""
        return self

    def __exit__(self, *_exc) -> None:
        """Close the converter."""
        self.close()

    def _run_job(self, sources: list[Path], staging: Path, limit: float) -> set[str]:
        job = {"sources": [str(s) for s in sources], "out_dir": str(staging)}
        for _attempt in range(2):
            try:
                office = self._running_office()
            except _StartFailed as exc:
                raise ConversionError(f"{exc}，无法转换：{_names(sources)}", sources) from None
            try:
                return set(office.request(job, limit))
            except _TimedOut:
                self._discard()
                raise ConversionError(
                    f"LibreOffice 转换超时（{limit:g} 秒），已终止进程 {office.pid}：{_names(sources)}", sources
                ) from None
            except _OfficeDied:
                self._discard()
        raise ConversionError(f"LibreOffice 在转换中意外退出，重启后再次退出：{_names(sources)}", sources)

    def _running_office(self) -> "_Office":
        if self._closed:
            raise RuntimeError("LibreOffice 常驻转换器已关闭，不能再使用")
        if self._office and not self._office.alive():
            self._discard()
        if self._office is None:
            self._office = self._launch()
        return self._office

    def _launch(self) -> "_Office":
        executable = self._soffice or find_soffice()
        if not UNO_PYTHON.is_file():
            raise _uno_missing()
        if self._home is None:
            if self._workdir:
                Path(self._workdir).mkdir(parents=True, exist_ok=True)
            self._home = Path(tempfile.mkdtemp(prefix="daiban-office-", dir=self._workdir))
        self._starts += 1
        return _Office.launch(self._home / f"run-{self._starts}", executable, self._spawner, self._start_timeout)

    def _discard(self) -> None:
        if self._office:
            self._office.kill()
            self._office = None


class _Office:
    """One running driver and its office: the guard's process group, and the folder holding its profile."""

    def __init__(self, process: subprocess.Popen, run_dir: Path):
        self.process = process
        self.run_dir = run_dir
        self.office_pid: int | None = None
        self.pipes: list[Path] = []

    @property
    def pid(self) -> int:
        """The office's pid when known, else the guard's (what a message names)."""
        return self.office_pid or self.process.pid

    @classmethod
    def launch(cls, run_dir: Path, executable: str, spawner: ThreadPoolExecutor, limit: float) -> "_Office":
        """Start the guarded driver, wait until it has connected to its office, and find the office's pid."""
        (run_dir / "tmp").mkdir(parents=True)
        filter_name, filter_options = PDF_FILTER.split(":", 2)[1:]
        pipe = f"daiban-{os.getpid()}-{uuid.uuid4().hex}"
        command = guarded([str(UNO_PYTHON), "-B", "-m", __name__, executable,
                           (run_dir / "profile").as_uri(), pipe, filter_name, filter_options])
        # TMPDIR keeps the office's scratch files in the run folder, removed with it even after a kill.
        env = child_environment(dict(soffice_environment(), PYTHONPATH=str(PROJECT_ROOT),
                                     TMPDIR=str(run_dir / "tmp")))
        with (run_dir / "driver.log").open("wb") as log:
            process = spawner.submit(subprocess.Popen, command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=log, env=env, start_new_session=True).result()
        office = cls(process, run_dir)
        office.await_ready(limit)
        return office

    def await_ready(self, limit: float) -> None:
        """Wait for the driver's ready line; kill everything and raise _StartFailed if it does not come."""
        try:
            reply = self._read_reply(time.monotonic() + limit)
        except _TimedOut:
            self.kill()
            raise _StartFailed(f"LibreOffice 启动超时（{limit:g} 秒）") from None
        except _OfficeDied:
            reply = {"error": "exited"}
        if reply.get("error") == "no_uno":
            self.kill()
            raise _uno_missing()
        if not reply.get("ready"):
            tail = self._log_tail()
            self.kill()
            raise _StartFailed("LibreOffice 常驻进程启动失败" + (f"（{tail}）" if tail else ""))
        self.office_pid = _find_office(self.process.pid)
        if self.office_pid:
            self.pipes = _bound_pipes(self.office_pid)

    def alive(self) -> bool:
        """Whether the guard still runs and so does the office it started."""
        if self.process.poll() is not None:
            return False
        return self.office_pid is None or _running_in_group(self.office_pid, self.process.pid)

    def request(self, job: dict, limit: float) -> dict[str, str]:
        """Send one job; return the sources the driver could not convert, with its reason for each."""
        try:
            self.process.stdin.write(json.dumps(job).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise _OfficeDied() from None
        reply = self._read_reply(time.monotonic() + limit)
        if "died" in reply:
            raise _OfficeDied()
        return reply["failed"]

    def stop(self) -> None:
        """Let the driver close the office (which then removes its pipes), then kill whatever is left."""
        # communicate() closes the driver's stdin, its signal to close the office, and waits for it to end.
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.communicate(timeout=CLOSE_WAIT_S)
        self.kill()

    def kill(self) -> None:
        """Kill the whole process group and remove the run folder with the profile, and the office's pipes."""
        kill_group(self.process)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        # A killed office cannot remove its pipes in /tmp (LibreOffice fixes that folder): do it for it.
        for pipe in self.pipes:
            pipe.unlink(missing_ok=True)

    def _read_reply(self, deadline: float) -> dict:
        # Raw reads behind poll(), so a hung office cannot block past the deadline; poll and not select,
        # whose descriptors stop at 1024, a number a busy server passes.
        fd = self.process.stdout.fileno()
        waiting = select.poll()
        waiting.register(fd, select.POLLIN)
        data = bytearray()
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not waiting.poll(remaining * 1000):
                raise _TimedOut()
            chunk = os.read(fd, READ_CHUNK)
            if not chunk:
                raise _OfficeDied()
            data += chunk
        try:
            return json.loads(data)
        except ValueError:
            # Not an answer: the driver is no longer the one we talk to. Treated as lost, so the job runs again.
            raise _OfficeDied() from None

    def _log_tail(self) -> str:
        try:
            text = (self.run_dir / "driver.log").read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""
        return text[-STDERR_TAIL:].strip()


def _uno_missing() -> ExternalToolError:
    return ExternalToolError(
        f"找不到带 UNO 模块的 {UNO_PYTHON}，无法启动常驻 LibreOffice：请安装 Debian 软件包 {UNO_PACKAGE}"
        f"（apt-get install {UNO_PACKAGE}）"
    )


def _stat(pid: int) -> tuple[str, str, int] | None:
    """(command name, state, process group) of a process from /proc, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
    return name, rest[0], int(rest[2])


def _running_in_group(pid: int, group: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] not in "ZX" and stat[2] == group


def _bound_pipes(pid: int) -> list[Path]:
    """The named pipes (Unix sockets in /tmp) a process listens on, from its descriptors and /proc/net/unix."""
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        table = Path("/proc/net/unix").read_text().splitlines()[1:]
    except OSError:
        return []
    inodes = {link[len("socket:["):-1] for link in links if link.startswith("socket:[")}
    rows = [line.split() for line in table]
    return [Path(row[7]) for row in rows if len(row) > 7 and row[6] in inodes and row[7].startswith(OSL_PIPES)]


def _find_office(group: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and stat[0] == OFFICE_BINARY and _running_in_group(int(entry.name), group):
                return int(entry.name)
    return None


# The driver: what runs under Debian's python3 with python3-uno, one process per office.

def _serve(argv: list[str]) -> int:
    """Start the office, connect, then answer the jobs read from stdin until it closes."""
    executable, profile_uri, pipe, filter_name, filter_options = argv
    try:
        import uno
    except ImportError:
        _say({"error": "no_uno"})
        return 1
    # The office's stdout must not reach ours: that pipe carries only the answers.
    office = subprocess.Popen([executable, f"-env:UserInstallation={profile_uri}", *SOFFICE_FLAGS,
                               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    desktop = _connect(uno, office, pipe)
    if desktop is None:
        _say({"error": "exited"})
        return 1
    _say({"ready": True})
    export = _export_properties(uno, filter_name, json.loads(filter_options))
    for line in sys.stdin:
        _say(_convert_job(uno, desktop, json.loads(line), export))
    desktop.terminate()
    office.wait(CLOSE_WAIT_S)
    return 0


def _say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _connect(uno, office: subprocess.Popen, pipe: str):
    """The office's Desktop once its pipe accepts, None if the office exits first."""
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while office.poll() is None:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(CONNECT_POLL_S)
            continue
        return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return None


def _export_properties(uno, filter_name: str, options: dict) -> tuple:
    """storeToURL's arguments for PDF_FILTER's filter and options (the JSON form --convert-to takes)."""
    data = tuple(_property(uno, name, _typed(spec)) for name, spec in options.items())
    # Without the explicit type the filter receives a sequence of any and ignores every option.
    return (_property(uno, "FilterName", filter_name),
            _property(uno, "FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", data)))


def _typed(spec: dict):
    kinds = {"boolean": lambda v: v == "true", "long": int, "short": int, "double": float}
    return kinds.get(spec["type"], str)(spec["value"])


def _property(uno, name: str, value):
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name, prop.Value = name, value
    return prop


def _convert_job(uno, desktop, job: dict, export: tuple) -> dict:
    """Convert every source of the job into its out_dir: {"failed": {source: reason}}, or {"died": reason}."""
    failed = {}
    for source in job["sources"]:
        target = Path(job["out_dir"]) / f"{Path(source).stem}.pdf"
        try:
            _convert_one(uno, desktop, Path(source), target, export)
        except Exception as exc:  # a file LibreOffice cannot read fails alone, unless the office is gone
            reason = f"{type(exc).__name__}: {exc}"
            if not _connected(desktop):
                return {"died": reason}
            failed[source] = reason
    return {"failed": failed}


def _connected(desktop) -> bool:
    # The exception a dead office raises is not always DisposedException, nor has the office always
    # exited yet when it comes: a call on the bridge tells for sure.
    try:
        desktop.getFrames()
    except Exception:
        return False
    return True


def _convert_one(uno, desktop, source: Path, target: Path, export: tuple) -> None:
    load = (_property(uno, "Hidden", True), _property(uno, "ReadOnly", True))
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(source)), "_blank", 0, load)
    if document is None:
        raise OSError("LibreOffice 无法打开此文件")
    try:
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(str(target)), export))
    finally:
        document.close(True)


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1:]))
