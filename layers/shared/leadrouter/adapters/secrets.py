"""The person index's HMAC key, from AWS Secrets Manager (the template creates the secret with a generated
value and grants read to the functions that match or erase people).

Read once per container, on first use, then kept: the key never changes for the life of the index (a new
key would make every stored digest unfindable), so there is nothing to refresh, and an intake pays for
Secrets Manager only on a cold start. The key itself is never logged."""

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


class SecretKey:
    def __init__(self, client: "Callable[[], SecretsManagerClient]", secret_id: str) -> None:
        self._client = client
        self._secret_id = secret_id
        self._lock = threading.Lock()
        self._value: bytes | None = None

    def value(self) -> bytes:
        with self._lock:
            if self._value is None:
                if not self._secret_id:
                    raise RuntimeError("PEOPLE_KEY_SECRET is not set: the person index has no key")
                answer = self._client().get_secret_value(SecretId=self._secret_id)
                self._value = answer["SecretString"].encode()
            return self._value
