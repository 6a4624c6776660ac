"""Text analysis for the portal index, English and Chinese alike.

The filters come from our Elasticsearch plugin (search/es_plugin): the distribution we
run lacks analysis-common. Text is indexed as CJK bigrams plus unigrams (a one-character
query still matches) and searched as bigrams only (precise for longer queries); Latin
words are lower-cased, accent-folded and stemmed so `certify` finds `certification`.
"""

_BASE = ["cplms_cjk_width", "lowercase", "cplms_asciifolding"]

ANALYSIS = {
    "filter": {
        "cplms_cjk_bigram_unigrams": {
            "type": "cplms_cjk_bigram",
            "output_unigrams": True,
        },
        "cplms_autocomplete_ngram": {
            "type": "cplms_edge_ngram",
            "min_gram": 1,
            "max_gram": 20,
        },
    },
    "analyzer": {
        "cplms_text": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [*_BASE, "cplms_cjk_bigram", "cplms_english_stem"],
        },
        "cplms_text_index": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [*_BASE, "cplms_cjk_bigram_unigrams", "cplms_english_stem"],
        },
        "cplms_autocomplete": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [*_BASE, "cplms_autocomplete_ngram"],
        },
        "cplms_autocomplete_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": _BASE,
        },
    },
}

# A text field analysed for search, with an autocomplete sub-field.
TEXT_FIELD = {
    "type": "text",
    "analyzer": "cplms_text_index",
    "search_analyzer": "cplms_text",
    "fields": {
        "autocomplete": {
            "type": "text",
            "analyzer": "cplms_autocomplete",
            "search_analyzer": "cplms_autocomplete_search",
        }
    },
}
