"""Record each served document as a download event."""

from wagtail.documents.models import document_served


def record_download(sender, instance, request, **kwargs):
    from .services import download_record

    download_record(document=instance, request=request)


def connect():
    document_served.connect(record_download, dispatch_uid="resources_record_download")
