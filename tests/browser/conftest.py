"""Real headless Chromium, the real Sentry browser SDK from npm, a live collector.

These tests run only when pytest is pointed at this directory (``make
test-browser``, i.e. ``pytest tests/browser``): a plain ``pytest`` or
``pytest tests`` leaves them out, since they need Debian's ``chromium`` and
``npm ci`` here. When they are asked for and either is missing, they fail
(never skip) and say how to get them.

Nothing is downloaded while the tests run: the SDK comes from this
directory's ``node_modules`` (pinned by package-lock.json), the browser is the
system's ``chromium``. Each page is served by a small aiohttp app on its own
port, so two servers are two origins; the page reports what happened back to
its own server with a POST /report, which the test awaits: no CDP needed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web


HERE = Path(__file__).resolve().parent
PAGE_DIR = HERE / "page"
NODE_MODULES = HERE / "node_modules"
HOW_TO_FIX = "run `make test-browser` (it installs Debian's chromium and runs `npm ci` in tests/browser)"

# Bare module specifiers of @sentry/browser's ESM build and its dependencies,
# resolved the way their package.json "exports" do for a browser import. The
# npm package ships no single-file bundle (the CDN bundles are not published
# to npm), so the page loads the ESM files through an import map.
IMPORT_MAP = {
    "@sentry/browser": "@sentry/browser/build/npm/esm/prod/index.js",
    "@sentry/browser-utils": "@sentry/browser-utils/build/esm/index.js",
    "@sentry/core": "@sentry/core/build/esm/index.js",
    "@sentry/core/browser": "@sentry/core/build/esm/browser.js",
    "@sentry/conventions/attributes": "@sentry/conventions/dist/attributes.mjs",
    "@sentry/conventions/metrics": "@sentry/conventions/dist/metrics.mjs",
    "@sentry/conventions/op": "@sentry/conventions/dist/op.mjs",
    "@sentry/feedback": "@sentry/feedback/build/npm/esm/index.js",
    "@sentry/replay": "@sentry/replay/build/npm/esm/index.js",
    "@sentry/replay-canvas": "@sentry/replay-canvas/build/npm/esm/index.js",
    "web-vitals": "web-vitals/dist/web-vitals.js",
}

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    # No traffic of the browser's own (updates, safe browsing, metrics): only the test's pages.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    # The page's console.* and uncaught errors go to stderr, kept for failure messages.
    "--enable-logging=stderr",
    "--v=0",
]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect this directory only when the command line names it (or a path inside it)."""
    base = Path(config.invocation_params.dir)
    for arg in config.args:
        if arg.startswith("-"):
            continue
        target = (base / arg.split("::", 1)[0]).resolve()
        if target == HERE or HERE in target.parents:
            return None
    return True


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(f"`chromium` is not on PATH: {HOW_TO_FIX}", pytrace=False)
    return path


def check_node_modules() -> None:
    missing = [spec for spec, rel in IMPORT_MAP.items() if not (NODE_MODULES / rel).is_file()]
    if missing:
        pytest.fail(f"tests/browser/node_modules lacks {', '.join(missing)}: {HOW_TO_FIX}", pytrace=False)


@dataclass
class PageServer:
    """One origin: serves the chat page and the SDK's modules, and receives the page's report."""

    config: dict
    port: int = 0
    reports: asyncio.Queue = field(default_factory=asyncio.Queue)
    runner: web.AppRunner | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/chat", self._chat)
        app.router.add_get("/page.js", self._page_js)
        app.router.add_get("/node_modules/{path:.+}", self._module)
        app.router.add_get("/favicon.ico", self._no_content)
        app.router.add_post("/report", self._report)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self.runner.setup()
        sock = _bound_socket()
        self.port = sock.getsockname()[1]
        await web.SockSite(self.runner, sock).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _chat(self, _request: web.Request) -> web.Response:
        imports = {spec: f"/node_modules/{rel}" for spec, rel in IMPORT_MAP.items()}
        # "</" cannot end the inline JSON early: escape it.
        config = json.dumps(self.config).replace("</", "<\\/")
        html = (PAGE_DIR / "chat.html").read_text()
        html = html.replace("__IMPORT_MAP__", json.dumps({"imports": imports})).replace("__CONFIG__", config)
        return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def _no_content(self, _request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _page_js(self, _request: web.Request) -> web.Response:
        return web.Response(body=(PAGE_DIR / "page.js").read_bytes(), content_type="text/javascript")

    async def _module(self, request: web.Request) -> web.StreamResponse:
        path = (NODE_MODULES / request.match_info["path"]).resolve()
        if NODE_MODULES.resolve() not in path.parents or not path.is_file():
            raise web.HTTPNotFound()
        if path.suffix not in (".js", ".mjs", ".map"):
            raise web.HTTPNotFound()
        content_type = "application/json" if path.suffix == ".map" else "text/javascript"
        return web.Response(body=path.read_bytes(), content_type=content_type)

    async def _report(self, request: web.Request) -> web.Response:
        await self.reports.put(await request.json())
        return web.json_response({"ok": True})


@dataclass
class BrowserRun:
    report: dict
    log: str  # chromium's stderr: the page's console lines and errors


async def run_page(server: PageServer, tmp_path: Path, query: str = "", timeout_s: float = 60) -> BrowserRun:
    """Open ``server``'s chat page (``/chat?<query>``) in a fresh headless Chromium; return the page's report."""
    chromium = chromium_path()
    check_node_modules()
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path))
    log_path = tmp_path / f"chromium-{server.port}.log"
    with open(log_path, "wb") as log:
        # Its own process group, so the browser and all its child processes end together.
        process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"{server.origin}/chat{'?' + query if query else ''}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    try:
        report_task = asyncio.ensure_future(server.reports.get())
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not report_task.done():
            if process.poll() is not None:
                report_task.cancel()
                pytest.fail(f"chromium exited ({process.returncode}) before the page reported:\n{_tail(log_path)}")
            if asyncio.get_running_loop().time() > deadline:
                report_task.cancel()
                pytest.fail(f"the page sent no report within {timeout_s}s; chromium's log:\n{_tail(log_path)}")
            await asyncio.wait({report_task}, timeout=0.2)
        report = report_task.result()
    finally:
        _kill_group(process)
        shutil.rmtree(profile, ignore_errors=True)
    run = BrowserRun(report=report, log=log_path.read_text(errors="replace"))
    # Shown by pytest under "Captured stdout" when the test fails: the whole report, untruncated.
    print(f"page report from {server.origin}:\n{json.dumps(report, indent=1)}")
    print(f"chromium's log (tail):\n{_tail(log_path)}")
    if "fatal" in report or "error" in report:
        pytest.fail(f"the page failed: {report.get('fatal') or report.get('error')}\nchromium's log:\n{_tail(log_path)}")
    return run


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # any renderer or zygote left in the group
    except ProcessLookupError:
        pass
    if process.poll() is None:
        process.wait(timeout=5)
    # The group's other members are reparented; give them a moment to be gone.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"
