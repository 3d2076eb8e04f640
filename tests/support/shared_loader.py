"""One botocore data loader for the whole test session.

Every boto3 session loads the service models (large JSON files) afresh, and the code under test makes
new sessions on purpose (one set of clients per container; the fixtures rebuild them for every test).
Sharing the loader, which caches what it read, takes that cost once instead of hundreds of times. The
models are read-only data, so sharing them changes nothing the tests observe."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import botocore.loaders
import botocore.session


@cache
def _shared_loader(search_path_string: str | None) -> botocore.loaders.Loader:
    return botocore.loaders.create_loader(search_path_string)


@contextmanager
def shared_botocore_loader() -> Iterator[None]:
    original = botocore.session.create_loader
    botocore.session.create_loader = _shared_loader
    try:
        yield
    finally:
        botocore.session.create_loader = original
