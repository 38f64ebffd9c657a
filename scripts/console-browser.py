#!/usr/bin/env python3
"""Headless Chromium, driven over the DevTools protocol, for the operator console's browser test.

The protocol runs over --remote-debugging-pipe (fd 3 into Chromium, fd 4 out of it, messages
separated by NUL), so nothing but the Python standard library is needed, and no debugging port
is opened that another local process could reach.

Commands come one JSON object per line on stdin, each answered by one JSON line on stdout:
  {"cmd":"open","url":…}                      navigate the page
  {"cmd":"wait","js":…,"timeout":ms}          poll a JavaScript expression until it is truthy
  {"cmd":"eval","js":…}                       the expression's value
  {"cmd":"errors"}                            script exceptions, console errors, failed loads so far
  {"cmd":"screenshot","path":…}               a PNG of the whole page
  {"cmd":"quit"}
Answers are {"ok":true,…} or {"ok":false,"error":…}. The first line, before any command, says
whether the browser started: {"ok":true,"version":…}.

HTTP Basic challenges are answered with the user and the password from the environment
(GATEHOUSE_BROWSER_USER, GATEHOUSE_BROWSER_PASSWORD), as a person would answer the browser's
prompt; `authPrompts` in the answers counts them. Options: --chromium PATH, --size WxH.
"""
import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time


class Chromium:
    def __init__(self, executable, width, height, log):
        self.profile = tempfile.mkdtemp(prefix="gatehouse-chromium-")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Copies above 10, so the dup2 onto 3 and 4 in the child cannot overwrite one of them.
        child_in = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)

        def pipes_on_3_and_4():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [
            executable, "--headless=new", "--remote-debugging-pipe", "--no-first-run",
            "--no-default-browser-check", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--disable-component-update",
            "--password-store=basic", "--mute-audio", f"--user-data-dir={self.profile}",
            f"--window-size={width},{height}", "about:blank",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, pass_fds=(3, 4), preexec_fn=pipes_on_3_and_4)
        for fd in (to_chrome_r, from_chrome_w, child_in, child_out):
            os.close(fd)
        self.writer = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.reader = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.lock = threading.Lock()
        self.answered = threading.Condition()
        self.answers = {}
        self.next_id = 0
        self.closed = False
        self.handlers = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        pending = b""
        while True:
            chunk = self.reader.read(65536)
            if not chunk:
                break
            pending += chunk
            while b"\0" in pending:
                raw, pending = pending.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self.answered:
                        self.answers[message["id"]] = message
                        self.answered.notify_all()
                elif message.get("method") in self.handlers:
                    self.handlers[message["method"]](message.get("params", {}), message.get("sessionId"))
        with self.answered:
            self.closed = True
            self.answered.notify_all()

    def send(self, method, params=None, session=None):
        """Sends without waiting (for event handlers, which run on the reader thread)."""
        with self.lock:
            self.next_id += 1
            ident = self.next_id
            message = {"id": ident, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            self.writer.write(json.dumps(message).encode() + b"\0")
        return ident

    def call(self, method, params=None, session=None, timeout=10.0):
        ident = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        with self.answered:
            while ident not in self.answers:
                left = deadline - time.monotonic()
                if self.closed:
                    raise RuntimeError(f"Chromium exited during {method}")
                if left <= 0:
                    raise RuntimeError(f"no answer to {method} within {timeout} s")
                self.answered.wait(left)
            answer = self.answers.pop(ident)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error'].get('message')}")
        return answer.get("result", {})

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser, user, password, width, height):
        self.browser = browser
        self.errors = []
        self.auth_prompts = 0
        self.challenged = set()
        browser.handlers.update({
            "Fetch.requestPaused": lambda p, s: browser.send("Fetch.continueRequest", {"requestId": p["requestId"]}, s),
            "Fetch.authRequired": self._authenticate,
            "Runtime.exceptionThrown": lambda p, s: self.errors.append(
                "exception: " + p["exceptionDetails"].get("exception", {}).get("description", p["exceptionDetails"].get("text", ""))),
            "Runtime.consoleAPICalled": lambda p, s: p["type"] == "error" and self.errors.append(
                "console.error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])),
            "Log.entryAdded": lambda p, s: p["entry"]["level"] == "error" and self.errors.append(
                f"log: {p['entry']['text']} {p['entry'].get('url', '')}"),
        })
        self.user, self.password = user, password
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method, params in [
            ("Fetch.enable", {"handleAuthRequests": True, "patterns": [{"urlPattern": "*"}]}),
            ("Runtime.enable", {}), ("Log.enable", {}), ("Page.enable", {}),
            ("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}),
        ]:
            browser.call(method, params, self.session)

    def _authenticate(self, params, session):
        self.auth_prompts += 1
        # A second challenge for the same request means the credentials were refused: give up
        # rather than loop, so the page shows the 401.
        refused = params["requestId"] in self.challenged
        self.challenged.add(params["requestId"])
        response = "CancelAuth" if refused else "ProvideCredentials"
        self.browser.send("Fetch.continueWithAuth", {
            "requestId": params["requestId"],
            "authChallengeResponse": {"response": response, "username": self.user, "password": self.password},
        }, session)

    def evaluate(self, expression):
        result = self.browser.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, self.session)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError("the expression threw: " + details.get("exception", {}).get("description", details.get("text", "")))
        return result["result"].get("value")

    def screenshot(self, path):
        size = self.browser.call("Page.getLayoutMetrics", {}, self.session)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = self.browser.call(
            "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, self.session)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return os.path.getsize(path)


def perform(page, command):
    cmd = command.get("cmd")
    if cmd == "open":
        page.browser.call("Page.navigate", {"url": command["url"]}, page.session)
        return {}
    if cmd == "eval":
        return {"value": page.evaluate(command["js"])}
    if cmd == "wait":
        start = time.monotonic()
        deadline = start + command.get("timeout", 5000) / 1000
        value = None
        while True:
            # A throw counts as not yet (the document may still be loading); the last one is reported.
            try:
                value = page.evaluate(command["js"])
            except RuntimeError as error:
                value = str(error)
                if time.monotonic() < deadline:
                    time.sleep(0.02)
                    continue
                raise RuntimeError(f"{error} after {command.get('timeout', 5000)} ms: {command['js']}")
            if value:
                return {"value": value, "ms": round((time.monotonic() - start) * 1000)}
            if time.monotonic() >= deadline:
                raise RuntimeError(f"still {json.dumps(value)} after {command.get('timeout', 5000)} ms: {command['js']}")
            time.sleep(0.02)
    if cmd == "errors":
        return {"errors": list(page.errors)}
    if cmd == "screenshot":
        return {"bytes": page.screenshot(command["path"])}
    raise RuntimeError(f"unknown command {cmd!r}")


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--size", default="1400x1800")
    parser.add_argument("--log", default=os.devnull, help="where Chromium's own output goes")
    options = parser.parse_args()
    width, height = (int(x) for x in options.size.split("x"))
    log = open(options.log, "wb")
    try:
        browser = Chromium(options.chromium, width, height, log)
        version = browser.call("Browser.getVersion", timeout=30)["product"]
        page = Page(browser, os.environ.get("GATEHOUSE_BROWSER_USER", ""),
                    os.environ.get("GATEHOUSE_BROWSER_PASSWORD", ""), width, height)
    except Exception as error:
        answer({"ok": False, "error": f"cannot start {options.chromium}: {error}"})
        return 1
    answer({"ok": True, "version": version})
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            command = json.loads(line)
            if command.get("cmd") == "quit":
                answer({"ok": True})
                break
            try:
                result = perform(page, command)
                answer({"ok": True, "authPrompts": page.auth_prompts, **result})
            except Exception as error:
                answer({"ok": False, "error": str(error), "errors": page.errors, "authPrompts": page.auth_prompts})
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
