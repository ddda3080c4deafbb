"""Create the media bucket on the S3 store when it is missing (docker-compose's `bucket`)."""

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

MISSING = {"404", "NoSuchBucket", "NotFound"}


class Command(BaseCommand):
    help = "Create the media bucket (AWS_STORAGE_BUCKET_NAME) if the S3 store has none yet."

    def handle(self, **options):
        storage = storages["default"]
        bucket = getattr(storage, "bucket_name", None)
        if not bucket:
            self.stdout.write("Media are kept on the local disk: there is no bucket to create.")
            return
        client = storage.connection.meta.client
        try:
            client.head_bucket(Bucket=bucket)
            self.stdout.write(f"The bucket {bucket} is there.")
            return
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in MISSING:
                raise CommandError(f"The S3 store refused to show {bucket}: {error}") from None
        except BotoCoreError as error:
            raise CommandError(f"The S3 store does not answer: {error}") from None
        region = client.meta.region_name
        location = (
            {"CreateBucketConfiguration": {"LocationConstraint": region}}
            if region and region != "us-east-1"
            else {}
        )
        try:
            client.create_bucket(Bucket=bucket, **location)
        except (ClientError, BotoCoreError) as error:
            raise CommandError(f"The bucket {bucket} could not be created: {error}") from None
        self.stdout.write(f"The bucket {bucket} was created.")
