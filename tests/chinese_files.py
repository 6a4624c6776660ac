"""Files of Chinese names as Excel saves CSV in China, for every import's tests.

Five names that charset detection alone takes, in GB18030, for a Cyrillic or Thai
code page, so a five-row file came out as mojibake behind a success message. Each
import's tests read them in 1-row and 5-row files, in GB18030 and in GBK, with
English in the same file, and check that every name arrives exactly.
"""

import pytest

NAMES = ["重庆山城", "广州数码港", "杭州西湖网络", "上海云启", "天津港湾"]

# (encoding, rows) for every import's round-trip test.
CASES = [(encoding, rows) for encoding in ("gb18030", "gbk") for rows in (1, 5)]
each_case = pytest.mark.parametrize(("encoding", "rows"), CASES)


def excel_csv(header: str, lines: list[str], encoding: str) -> bytes:
    """A CSV file as Excel writes it: CRLF line endings, no byte order mark."""
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


PARTNER_REQUIRED_HEADER = "external_id,name,country,region,partner_type,tier,stage"


def chinese_partners_csv(encoding: str, rows: int = len(NAMES)) -> bytes:
    """A partner file of the first `rows` names, registered and active, in Greater
    China, as Excel saves it in `encoding`."""
    return excel_csv(
        PARTNER_REQUIRED_HEADER,
        [
            f"CN-{n},{name},CN,greater_china,reseller,registered,active"
            for n, name in enumerate(NAMES[:rows])
        ],
        encoding,
    )
