"""The certificate tests' shared fixture: a lead, a supervisor and a trainee on a small track."""

from tests.training.certs.test_views import setup  # noqa: F401 (a fixture, shared by every module here)
