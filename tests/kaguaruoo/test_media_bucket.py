"""`manage.py media_bucket_create`, docker-compose's one-shot `bucket` service."""

import boto3
import pytest
from django.core.files.storage import storages
from django.core.management import call_command


@pytest.fixture
def media_on_a_new_bucket(settings, s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "kagu-fresh",
                "endpoint_url": s3_endpoint,
                "region_name": "ap-northeast-1",
            },
        },
    }
    storages._storages.pop("default", None)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="ap-northeast-1")
    yield client
    client.delete_bucket(Bucket="kagu-fresh")
    storages._storages.pop("default", None)


def test_the_missing_bucket_is_created_once_and_found_after(media_on_a_new_bucket, capsys):
    call_command("media_bucket_create")
    call_command("media_bucket_create")

    names = [b["Name"] for b in media_on_a_new_bucket.list_buckets()["Buckets"]]
    assert names.count("kagu-fresh") == 1
    out = capsys.readouterr().out
    assert "kagu-fresh was created" in out
    assert "kagu-fresh is there" in out


def test_on_the_local_disk_there_is_nothing_to_create(capsys):
    call_command("media_bucket_create")

    assert "no bucket to create" in capsys.readouterr().out
