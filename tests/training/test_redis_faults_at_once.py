"""Many verifications at the moment Redis freezes: every one gets its usual answer. The
verification limit is Flask-Limiter's, whose in-memory fallback catches only the first request
that finds the store dead; the others, already waiting on Redis, must not become 500s."""

from __future__ import annotations

import threading
import uuid

from certificates.codes import format_code, new_code
from tests.helpers import make_certificate, make_user, race_app
from tests.training.test_redis_faults import HANG, browser, pytestmark, redis_server  # noqa: F401

assert pytestmark  # skipped, as those tests are, where redis-server is missing

VISITORS = 8


def test_verifications_at_once_when_redis_freezes_all_get_their_answer(redis_server, tmp_path):  # noqa: F811
    with race_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_server.url,
        RATELIMIT_KEY_PREFIX=f"at-once-{uuid.uuid4().hex}",
        VERIFY_RATE_LIMIT="100 per minute",
    ) as app:
        code = make_certificate(make_user(), code=new_code()).code
        clients = [browser(app, f"10.8.0.{i}") for i in range(VISITORS)]
        for client in clients:  # each client's first look counts in Redis
            assert client.get(f"/verify/{format_code(code)}").status_code == 200
        redis_server.freeze()
        barrier = threading.Barrier(VISITORS, timeout=HANG)
        answers: list[object] = [None] * VISITORS

        def look(i: int) -> None:
            barrier.wait()
            try:
                answers[i] = clients[i].get(f"/verify/{format_code(code)}").status_code
            except Exception as error:  # a 500 in the making
                answers[i] = f"{type(error).__name__}: {error}"

        threads = [threading.Thread(target=look, args=(i,), daemon=True) for i in range(VISITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(HANG * 2)
        assert not any(t.is_alive() for t in threads), "a verification hangs"
        assert answers == [200] * VISITORS, answers
