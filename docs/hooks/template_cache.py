"""MkDocs hook: compile each Jinja template once per process, not once per use.

MkDocs makes a new Jinja environment for every build, so each `mkdocs serve` rebuild, and each
edition's pass of a build, compiled Material's templates again (about a second each). nbconvert, which
mkdocs-jupyter calls for every notebook, makes a new environment for every notebook and compiled its
templates again each time (about a quarter of a second per notebook; twelve notebooks with two
editions). Both environments now share one in-memory bytecode cache. Jinja checks each template's
source checksum before reusing its bytecode, so an edited template is always compiled afresh.
"""

import jinja2
from nbconvert.exporters.templateexporter import TemplateExporter


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


_create_environment = TemplateExporter._create_environment


def _with_cache(exporter):
    env = _create_environment(exporter)
    env.bytecode_cache = _cache
    return env


TemplateExporter._create_environment = _with_cache
