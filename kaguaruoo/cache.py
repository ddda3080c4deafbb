"""The shared cache on Redis, with one redis-py client per connection pool.

Django's Redis backend builds a new client object for every cache operation
(`RedisCacheClient.get_client`); building one sets up its reply callbacks,
which costs more than a GET on loopback, and a search page makes several. The
client objects are thread-safe and hold nothing but their pool (which redis-py
renews after a fork), so each pool keeps one.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
