"""The request schemas declare the server's real rules (issue 11): whatever the OpenAPI document allows
for an upload or an amount, the server takes. Generated from the very patterns the document publishes."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.schemas.messaging import CONTENT_PATTERN, FILENAME_PATTERN, UploadedFile
from models.schemas.requests import AMOUNT_PATTERN, QuoteLine
from server.services.documents import check_files
from server.settings import Settings

PROPERTIES = settings(
    derandomize=True, database=None, max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SETTINGS = Settings(demo_mode=True, database_url="sqlite://")


def declared(pattern: str) -> st.SearchStrategy[str]:
    # JSON Schema's « $ » is the end of the text; Python's would also allow a final newline.
    return st.from_regex(pattern.removesuffix("$") + r"\Z")


@PROPERTIES
@given(declared(FILENAME_PATTERN), declared(CONTENT_PATTERN))
def test_an_upload_the_document_allows_is_accepted(filename, content):
    [checked] = check_files([UploadedFile(filename=filename, content_base64=content)], SETTINGS)
    assert checked.content_type in ("application/pdf", "image/jpeg", "image/png")


@PROPERTIES
@given(declared(AMOUNT_PATTERN))
def test_an_amount_the_document_allows_is_accepted(text):
    assert QuoteLine(act="HBLD634", charged=text).charged == Decimal(text) > 0


@PROPERTIES
@given(st.integers(1, 9_999_999_999))
def test_a_number_of_cents_the_document_allows_is_accepted(cents):
    amount = Decimal(cents) / 100
    assert QuoteLine(act="HBLD634", charged=float(amount)).charged == amount
