"""The analysers find Chinese, English, mixed, accented and misspelt text."""

import uuid

import pytest

from search.client import get_client
from search.documents import content_index

# Full-width Latin letters, as Chinese input methods type them.
FULL_WIDTH_MDF = "\uff2d\uff24\uff26"

DOCS = {
    "1": "渠道激励政策",
    "2": "Partner Certification Program",
    "3": "MDF 申请流程",
    "4": "Partner Program Guide",
    "5": "激动人心的道路与励志故事",
    "6": "Café résumé tips",
}


@pytest.fixture(scope="module")
def index():
    client = get_client()
    name = f"cplms-test-analysis-{uuid.uuid4().hex[:8]}"
    content_index(name, number_of_shards=1, number_of_replicas=0).create(using=client)
    for doc_id, title in DOCS.items():
        client.index(index=name, id=doc_id, document={"title": title})
    client.indices.refresh(index=name)
    yield name
    client.indices.delete(index=name)


def tokens(index, analyzer, text):
    result = get_client().indices.analyze(index=index, analyzer=analyzer, text=text)
    return [token["token"] for token in result["tokens"]]


def hits(index, query):
    result = get_client().search(index=index, query=query)
    return {hit["_id"] for hit in result["hits"]["hits"]}


def test_tokens(index):
    assert tokens(index, "cplms_text", "渠道激励政策") == [
        "渠道", "道激", "激励", "励政", "政策",
    ]  # fmt: skip
    assert tokens(index, "cplms_text", "certify certification Partner's") == [
        "certif", "certif", "partner",
    ]  # fmt: skip
    assert tokens(index, "cplms_text", FULL_WIDTH_MDF + " 申请") == ["mdf", "申请"]


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ({"match": {"title": "渠道激励"}}, {"1"}, {"5"}),
        ({"match_phrase": {"title": "渠道激励"}}, {"1"}, {"5"}),
        ({"match": {"title": "渠"}}, {"1"}, set()),
        ({"match": {"title": "certify"}}, {"2"}, {"1", "3", "4"}),
        ({"match": {"title": {"query": "MDF 申请", "operator": "and"}}}, {"3"}, set()),
        ({"match": {"title": FULL_WIDTH_MDF}}, {"3"}, set()),
        (
            {"match": {"title": {"query": "certfication", "fuzziness": "AUTO"}}},
            {"2"},
            {"4"},
        ),
        (
            {"match": {"title": {"query": "cafe resume", "operator": "and"}}},
            {"6"},
            set(),
        ),
        (
            {"match": {"title.autocomplete": {"query": "partn", "operator": "and"}}},
            {"2", "4"},
            {"1", "3"},
        ),
    ],
)
def test_queries(index, query, found, not_found):
    result = hits(index, query)
    assert found <= result
    assert not (not_found & result)
