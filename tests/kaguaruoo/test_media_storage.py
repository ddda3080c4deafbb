from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

from tests.kaguaruoo.test_settings import start_django


def test_media_saved_through_django_storage_lands_in_the_s3_bucket(bucket, s3_endpoint):
    storage = S3Storage(
        bucket_name="kagu-media",
        endpoint_url=s3_endpoint,
        region_name="ap-northeast-1",
        querystring_auth=True,
        querystring_expire=300,
        file_overwrite=False,
        signature_version="s3v4",
    )

    name = storage.save("guides/house-guide.pdf", ContentFile(b"%PDF-1.7 guide"))
    second = storage.save("guides/house-guide.pdf", ContentFile(b"%PDF-1.7 newer"))

    assert name != second
    body = bucket.get_object(Bucket="kagu-media", Key=name)["Body"].read()
    assert body == b"%PDF-1.7 guide"
    url = storage.url(name)
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


def test_settings_put_media_on_s3_when_a_bucket_is_named(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.core.files.storage import default_storage as s;"
        "s._setup(); print(type(s._wrapped).__name__, s.bucket_name, s.endpoint_url)"
    )
    result = start_django(
        tmp_path,
        script=script,
        AWS_STORAGE_BUCKET_NAME="kagu-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "kagu-media", "http://127.0.0.1:9000"]


def test_settings_keep_media_on_local_disk_without_a_bucket(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.core.files.storage import default_storage as s;"
        "s._setup(); print(type(s._wrapped).__name__, s.location)"
    )
    result = start_django(tmp_path, script=script)

    assert result.stdout.split() == ["FileSystemStorage", str(tmp_path / "media")]
