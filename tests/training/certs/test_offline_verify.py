"""What /verify/<code>.json and /verify/public-key.pem give is enough to check a certificate
offline with ``python -m certificates.verify``, whatever script the holder's name is in."""

from __future__ import annotations

import pytest

from certificates.verify import main
from tests.helpers import make_user, post, sign_in
from tests.training.certs.test_views import make_eligible, only_certificate
from training.models import Role


@pytest.mark.parametrize("name", ["Zoë Ångström", "陈美玲", "محمد", "山田 さくら"])
def test_a_served_answer_verifies_offline(app, client, setup, tmp_path, capsys, name):
    lead, supervisor, _ = setup
    from tests.helpers import assign

    trainee = make_user(Role.TRAINEE, name=name)
    assign(trainee, supervisor)
    make_eligible(app, trainee, supervisor)
    sign_in(client, lead)
    post(client, f"/lead/people/{trainee.id}/certificate")
    code = only_certificate().code
    visitor = app.test_client()
    (tmp_path / "answer.json").write_bytes(visitor.get(f"/verify/{code}.json").data)
    (tmp_path / "public-key.pem").write_bytes(visitor.get("/verify/public-key.pem").data)
    assert main([str(tmp_path / "answer.json"), str(tmp_path / "public-key.pem")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("GENUINE") and name in out
