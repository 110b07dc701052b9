"""A replica of a published folder (settings.PUBLISHED_DIR) under AppTest: no version yet says how
to publish one, a publish is read at the next rerun, the Data page says imports happen on the
builder."""
import settings
import dashboard.uploads
from etl.publish import publish
from tests.helpers import HEADLINE, app_test, metric_number, open_page


def test_a_replica_follows_the_published_pointer(built, tmp_path, monkeypatch):
    folder = tmp_path / "published"
    folder.mkdir()
    monkeypatch.setattr(settings, "PUBLISHED_DIR", folder)
    at = app_test().run()
    assert not at.exception
    assert "No published warehouse" in at.error[0].value and "etl publish" in at.error[0].value
    publish(built.warehouse, folder)
    at.run()
    assert not at.exception and not at.error
    assert metric_number(at, HEADLINE) > 0


def test_the_data_page_of_a_replica_sends_imports_to_the_builder(built, tmp_path, monkeypatch):
    folder = tmp_path / "published"
    publish(built.warehouse, folder)
    monkeypatch.setattr(settings, "PUBLISHED_DIR", folder)
    monkeypatch.setattr(dashboard.uploads, "ENABLED", False)
    at = open_page(app_test().run(), "data")
    assert any("Imports are disabled" in info.value and "python -m etl publish" in info.value
               for info in at.info)
    assert not at.get("file_uploader")  # must NOT happen: an upload a replica cannot take
