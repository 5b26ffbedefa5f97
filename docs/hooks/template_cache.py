"""MkDocs hook: keep the theme's compiled templates in memory between the rebuilds of `mkdocs serve`.

MkDocs makes a new Jinja environment for every build, so each rebuild compiled Material's templates
again (about a second here). Jinja checks each template's source checksum before reusing its
bytecode, so an edited template is always compiled afresh.
"""

import jinja2


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self):
        self._store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_cache = _MemoryBytecodeCache()


def on_env(env, config, files):
    env.bytecode_cache = _cache
    return env
