"""Redis as Django's cache, with one redis-py client kept per connection pool.

Django's Redis cache makes a new redis-py client for every operation, and each new client
copies redis-py's table of some 170 reply handlers: about a tenth of a millisecond of
Python a cache read, several reads a page (the session, the kept values). A client is safe
to share between threads, since its pool hands each command its own connection, so one is
made per pool and kept.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
