"""A Redis fake that accepts TTLs and ignores them (EVT501): key expiry is never tested."""

from __future__ import annotations


class FakeRedis:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes, ex: int | None = None, nx: bool = False) -> bool:
        if nx and key in self.data:
            return False
        self.data[key] = value
        return True


def test_duplicate_order_is_skipped() -> None:
    redis = FakeRedis()
    assert redis.set("order:42", b"1", ex=3600, nx=True)
    assert not redis.set("order:42", b"1", ex=3600, nx=True)
