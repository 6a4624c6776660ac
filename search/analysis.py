"""Text analysis for the portal index, English and Chinese alike.

The filters come from our Elasticsearch plugin (search/es_plugin): the distribution we
run lacks analysis-common. Text is indexed as CJK bigrams plus unigrams (a one-character
query still matches) and searched as bigrams only (precise for longer queries); Latin
words are lower-cased, accent-folded and stemmed so `certify` finds `certification`.

The analysers are elasticsearch-dsl objects: a field that uses one carries its
definition, so an index built from the document's mapping has the analysis settings.
"""

from elasticsearch.dsl import Text, analyzer, token_filter

_BASE = ["cplms_cjk_width", "lowercase", "cplms_asciifolding"]

_cjk_bigram_unigrams = token_filter(
    "cplms_cjk_bigram_unigrams", type="cplms_cjk_bigram", output_unigrams=True
)
_autocomplete_ngram = token_filter(
    "cplms_autocomplete_ngram", type="cplms_edge_ngram", min_gram=1, max_gram=20
)

text_search = analyzer(
    "cplms_text",
    tokenizer="standard",
    filter=[*_BASE, "cplms_cjk_bigram", "cplms_english_stem"],
)
text_index = analyzer(
    "cplms_text_index",
    tokenizer="standard",
    filter=[*_BASE, _cjk_bigram_unigrams, "cplms_english_stem"],
)
autocomplete_index = analyzer(
    "cplms_autocomplete", tokenizer="standard", filter=[*_BASE, _autocomplete_ngram]
)
autocomplete_search = analyzer(
    "cplms_autocomplete_search", tokenizer="standard", filter=_BASE
)


def search_text(*, autocomplete: bool = False) -> Text:
    """A text field analysed for search, optionally with an autocomplete sub-field."""
    fields = {}
    if autocomplete:
        fields["autocomplete"] = Text(
            analyzer=autocomplete_index, search_analyzer=autocomplete_search
        )
    return Text(analyzer=text_index, search_analyzer=text_search, fields=fields)
