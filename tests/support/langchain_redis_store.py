#!/usr/bin/python3
"""Reads and writes Redis exactly as LangChain's RedisStore
(langchain_community.storage.redis) does, with Debian's redis module: a
key is stored as NAMESPACE/key (just key without a namespace); mset is one
pipeline of SET key value [EX ttl]; mget is one MGET; mdelete is one DEL
of all the keys; yield_keys is a SCAN whose MATCH pattern is NAMESPACE/*,
or NAMESPACE/PREFIX with a prefix (no * added and nothing escaped, as
LangChain does), with NAMESPACE/ cut off the keys it yields. As
LangChain's get_client does, a server that says it is in cluster mode is
talked to with the cluster client.

  langchain_redis_store.py URL NAMESPACE TTL write  < "key<TAB>hex" lines
  langchain_redis_store.py URL NAMESPACE TTL read   < keys, one per line
  langchain_redis_store.py URL NAMESPACE TTL delete < keys, one per line
  langchain_redis_store.py URL NAMESPACE TTL list [PREFIX]

URL is redis:// or rediss:// (credentials may be in it); NAMESPACE "-" is
none; TTL "-" is none, else seconds. For TLS, REDIS_CA_FILE names the CA
to trust, and REDIS_CERT_FILE with REDIS_KEY_FILE a client certificate.
read prints "key<TAB>hex" or "key<TAB>-" (missing); list prints keys.
"""
import os
import sys

import redis
from redis.cluster import RedisCluster


def connect(url):
    options = {}
    for variable, option in (("REDIS_CA_FILE", "ssl_ca_certs"), ("REDIS_CERT_FILE", "ssl_certfile"),
                             ("REDIS_KEY_FILE", "ssl_keyfile")):
        if os.environ.get(variable):
            options[option] = os.environ[variable]
    client = redis.from_url(url, **options)
    try:
        cluster = client.info("cluster")["cluster_enabled"] == 1
    except redis.exceptions.RedisError:
        cluster = False
    if cluster:
        client.close()
        client = RedisCluster.from_url(url, **options)
    return client


def main():
    url, namespace, ttl, command = sys.argv[1:5]
    namespace = None if namespace == "-" else namespace
    ttl = None if ttl == "-" else int(ttl)
    client = connect(url)

    def stored(key):
        return f"{namespace}/{key}" if namespace else key

    lines = sys.stdin.read().splitlines() if command in ("write", "read", "delete") else []
    if command == "write":
        pipe = client.pipeline()
        for key, value in (line.split("\t") for line in lines):
            pipe.set(stored(key), bytes.fromhex(value), ex=ttl)
        pipe.execute()
    elif command == "read":
        for key, value in zip(lines, client.mget([stored(key) for key in lines])):
            print(f"{key}\t{'-' if value is None else value.hex()}")
    elif command == "delete":
        client.delete(*[stored(key) for key in lines])
    elif command == "list":
        prefix = sys.argv[5] if len(sys.argv) > 5 else None
        for key in client.scan_iter(match=stored(prefix if prefix else "*")):
            key = key.decode("utf-8")
            print(key[len(namespace) + 1:] if namespace else key)
    else:
        sys.exit(f"unknown command {command}")
    client.close()


if __name__ == "__main__":
    main()
