"""Webhook deliveries: the sandbox POSTs ticket and action events to its webhooks.

Every create, update and delete of a ticket or an action is delivered, in order, to each
active webhook record whose `url` is on loopback (the sandbox never reaches beyond this
machine; the generated webhooks point at example.com and get nothing). The body follows
Halo's shape: the event, the object's type and id, the time, and the record itself under
its type's name. A webhook with `basic_username` and `basic_password` sends them as HTTP
basic authentication. A delivery the receiver refuses (not 2xx) or cannot take (not
listening) is tried again ATTEMPTS times in all, after a short pause, then dropped.
"""

import base64
import collections
import ipaddress
import json
import threading
import time
import uuid
from urllib.parse import urlsplit

from halo_lib.sandbox.data import iso

EVENTS = {"tickets": "ticket", "actions": "action"}
WORDS = {"create": "Created", "update": "Updated", "delete": "Deleted"}
ATTEMPTS = 4
PAUSES = (0.2, 0.5, 1.0)   # seconds before the 2nd, 3rd and 4th attempt
TIMEOUT = 5


def is_loopback(url):
    try:
        parts = urlsplit(str(url))
        host = parts.hostname or ""
        if parts.scheme != "http":
            return False
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def payload(name, what, rec, webhook_id):
    kind = EVENTS[name]
    body = {"id": str(uuid.uuid4()), "webhook_id": webhook_id,
            "event": f"{kind.title()} {WORDS[what]}", "object_type": kind,
            "object_id": rec.get("id"), "timestamp": iso(int(time.time())), kind: rec}
    if kind == "action":
        body["ticket_id"] = rec.get("ticket_id")
    return body


class Deliveries:
    """A queue of deliveries and the one thread that sends them, started on first use."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.queue = collections.deque()
        self.ready = threading.Condition()
        self.thread = None
        self.closed = False
        self.delivered = []   # (url, status) of each finished delivery, for tests

    def event(self, name, what, rec):
        """Called by a collection after a write: queue one delivery per loopback webhook."""
        if name not in EVENTS:
            return
        hooks = self.sandbox.collections.get("webhooks")
        if hooks is None:
            return
        with hooks.lock:
            created = [hooks.get(k) for k in hooks.created] + \
                [r for k, r in hooks.changed.items() if k not in hooks.created]
        targets = [h for h in created if h and h.get("active", True) is not False
                   and is_loopback(h.get("url"))]
        if not targets:
            return
        with self.ready:
            for hook in targets:
                self.queue.append((hook, payload(name, what, rec, hook.get("id"))))
            if self.thread is None and not self.closed:
                self.thread = threading.Thread(target=self._run, daemon=True,
                                               name="halo-sandbox-webhooks")
                self.thread.start()
            self.ready.notify()

    def close(self):
        with self.ready:
            self.closed = True
            self.queue.clear()
            self.ready.notify()

    def _run(self):
        while True:
            with self.ready:
                while not self.queue and not self.closed:
                    self.ready.wait()
                if self.closed:
                    return
                hook, body = self.queue.popleft()
            self._deliver(hook, body)

    def _deliver(self, hook, body):
        status = None
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(PAUSES[min(attempt - 1, len(PAUSES) - 1)])
            if self.closed:
                return
            status = send(hook, body)
            if status is not None and 200 <= status < 300:
                break
        self.delivered.append((hook.get("url"), status))


def send(hook, body):
    """POST one delivery; the status, or None when the receiver could not be reached."""
    import http.client
    parts = urlsplit(hook["url"])
    headers = {"Content-Type": "application/json", "User-Agent": "HaloSandbox-Webhook/1.0"}
    user, password = hook.get("basic_username"), hook.get("basic_password")
    if user and password:
        pair = f"{user}:{password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
    try:
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
