"""What moto's in-process backends took (emails, texts), newest first. Moto records no time: each message is
stamped when the stack first sees it, right after the request that sent it (an after-request hook)."""

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any


class SentMessages:
    """The messages of one account and region; a subclass says where moto keeps them and how one is named."""

    def __init__(
        self,
        account_id: str,
        region: str,
        lock: Callable[[], AbstractContextManager[Any]] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.account_id = account_id
        self.region = region
        self._backend_lock = lock or nullcontext
        self._now = now
        self._stamps: dict[str, datetime] = {}
        self._seen_count = 0
        self._stamp_lock = threading.Lock()

    def _messages(self) -> list[Any]:
        raise NotImplementedError

    def _key(self, message: Any) -> str:
        raise NotImplementedError

    def note_new_messages(self) -> None:
        """Stamp messages not seen before with the current time (call with the backends locked)."""
        messages = self._messages()
        with self._stamp_lock:
            if len(messages) == self._seen_count:
                return
            now = self._now()
            for message in messages:
                self._stamps.setdefault(self._key(message), now)
            self._seen_count = len(messages)

    def newest_first(self) -> list[tuple[datetime, Any]]:
        """(stamp, message), the newest first; of messages stamped alike, the one sent later first."""
        with self._backend_lock():
            self.note_new_messages()
            messages = self._messages()
        with self._stamp_lock:
            stamped = [(self._stamps[self._key(message)], index, message) for index, message in enumerate(messages)]
        stamped.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [(sent_at, message) for sent_at, _, message in stamped]
