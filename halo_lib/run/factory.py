"""What a plan runs with, made on first use (like gh's Factory): the streams, the resolved
settings, the transport and the API.

Settings are resolved only when a plan or the executor asks for them, so a bad BODY or id
is reported as such (exit 2) before a missing setting is (exit 3). Tests inject settings
and a transport, and run an invocation without a command line or a network.
"""
from halo_lib import config


class Factory:
    def __init__(self, streams, connection, needs=("url", "client_id", "client_secret"),
                 settings=None, transport=None):
        self.streams = streams
        self.connection = connection
        self.needs = needs         # the settings that must be there (--dry-run: the URL)
        self._settings = settings
        self._transport = transport
        self._api = None
        self._sandbox = None
        self.concurrency = None    # --concurrency: the pager's connections, and two more

    @property
    def settings(self):
        if self._settings is None:
            self._settings = self._resolve()
        return self._settings

    def _resolve(self):
        connection = self.connection
        if connection.sandbox:
            from halo_lib.sandbox.server import Sandbox
            self._sandbox = Sandbox(rate_limit=connection.rate_limit).start()
            return config.Settings(
                url=self._sandbox.url, client_id=self._sandbox.client_id,
                client_secret=self._sandbox.client_secret, config_path="(sandbox)",
                verbose=connection.verbose, max_answer=connection.max_answer,
                timeout=connection.timeout or config.DEFAULTS["timeout"],
                retries=config.DEFAULTS["retries"] if connection.retries is None
                else connection.retries,
                **config.sandbox_network(connection, self.streams.env))
        settings = config.resolve(connection, self.streams.env, self.streams.err)
        config.require(settings, *self.needs)
        return settings

    @property
    def transport(self):
        if self._transport is None:
            from halo_lib.http.paging import DEFAULT_CONCURRENCY
            from halo_lib.http.transport import Transport
            self._transport = Transport(self.settings, self.streams,
                                        pool_size=(self.concurrency or DEFAULT_CONCURRENCY) + 2)
        return self._transport

    def tokens(self, use_cache=True):
        from halo_lib.http.auth import TokenSource
        return TokenSource(self.settings, self.transport,
                           use_cache=use_cache and not self.connection.sandbox)

    @property
    def api(self):
        if self._api is None:
            from halo_lib.http.api import Api
            self._api = Api(self.settings, self.transport, self.tokens())
        return self._api

    def fresh_token(self):
        return self.tokens(use_cache=False).token()

    def close(self):
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
