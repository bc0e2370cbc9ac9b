"""What every hand-written test server shares: a threaded HTTP server on a free loopback
port, started on a daemon thread, quiet when a client hangs up on purpose."""
import threading
from http.server import ThreadingHTTPServer


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass   # clients that hang up on purpose (signals, closed pipes) are the point


class LocalServer:
    """Subclasses call listen(handler class) in __init__; url is then set."""

    def listen(self, handler):
        self.httpd = _Quiet(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
