import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = (
    "connection,invoiceNumber,issueDate,dueDate,amount,currency,memo,"
    "lineDescription,lineQuantity,lineUnitPrice,lineAccountingCategory"
)


def csv_file(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """``upload(client, business_id, content, mode=...)``: POST the file and run what the
    request started after its commit (the import job, eagerly without a broker)."""

    def send(client, business_id: str, content: bytes, *, mode: str = "draft", name="bills.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/api/businesses/{business_id}/imports",
                {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "mode": mode},
                format="multipart",
            )

    return send
