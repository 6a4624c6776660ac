"""The portal index's document: one shape for every kind of content.

Every document carries what the audience filter, the facets and the collapsing of a
page's versions need as keyword fields (`access_level`, `min_tier_id`, `kind`,
`asset_type`, `products`, `language`, `translation_key`), so filtering happens inside
Elasticsearch.
"""

from elasticsearch.dsl import Date, Document, Index, Integer, Keyword, MetaField

from .analysis import search_text


class ContentDocument(Document):
    kind = Keyword()
    object_id = Keyword()
    title = search_text(autocomplete=True)
    body = search_text()
    tags = Keyword(multi=True)
    products = Keyword(multi=True)
    asset_type = Keyword()
    language = Keyword()
    # The versions of one page (its source and translations) share the key, and a
    # search shows one of them (search.page_kinds); `locale` is the language of the
    # document's words. Another kind's document is its own key.
    translation_key = Keyword()
    locale = Keyword()
    url = Keyword(index=False)
    published_at = Date()
    # Items that expire by themselves leave search results on time.
    expires_at = Date()
    access_level = Keyword()
    min_tier_id = Integer()
    # What the database's row hashed to when this was indexed (IndexableKind.digest):
    # drift compares it with the row now. Never searched.
    digest = Keyword(index=False)

    class Meta:
        # A field no kind should send is a bug to surface, not a mapping to grow.
        dynamic = MetaField("strict")


def document_id(kind: str, object_id) -> str:
    return f"{kind}:{object_id}"


def content_index(name: str, **settings) -> Index:
    """The definition of a concrete index: mapping and analysis from ContentDocument."""
    index = Index(name)
    index.settings(**settings)
    index.mapping(ContentDocument._doc_type.mapping)
    return index


def index_action(kind: str, object_id, fields: dict) -> dict:
    """A bulk `index` action for one item, its source shaped by ContentDocument."""
    document = ContentDocument(
        meta={"id": document_id(kind, object_id)},
        kind=kind,
        object_id=str(object_id),
        **{"translation_key": document_id(kind, object_id), **fields},
    )
    return {"_op_type": "index", **document.to_dict(include_meta=True)}
