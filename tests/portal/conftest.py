import pytest


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    # Easy proof-of-work and generous limits unless a test lowers them; the argon2 cost stays real.
    settings.PORTAL_POW_BITS = 4
    settings.PORTAL_SUBMIT_PER_CLIENT = 1000
    settings.PORTAL_OPEN_PER_CLIENT = 1000
    settings.PORTAL_MESSAGE_PER_CLIENT = 1000
    settings.MEDIA_ROOT = tmp_path / "files"
