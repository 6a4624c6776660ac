package org.cplms.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/**
 * Forms bigrams of CJK characters emitted by the standard tokenizer (Han, Hiragana,
 * Katakana, Hangul). A lone CJK character is always kept as a unigram.
 * Option: output_unigrams (false) also emits every character as a unigram; use it on the
 * index-time analyzer so single-character queries match, and leave it off at search time.
 */
@NamedComponent("cplms_cjk_bigram")
public class CjkBigramFilterFactory implements TokenFilterFactory {
    @AnalysisSettings
    public interface Settings {
        @BooleanSetting(path = "output_unigrams", defaultValue = false)
        boolean outputUnigrams();
    }

    private static final int ALL_SCRIPTS =
        CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA | CJKBigramFilter.KATAKANA | CJKBigramFilter.HANGUL;

    private final boolean outputUnigrams;

    @Inject
    public CjkBigramFilterFactory(Settings settings) {
        this.outputUnigrams = settings.outputUnigrams();
    }

    @Override
    public TokenStream create(TokenStream in) {
        return new CJKBigramFilter(in, ALL_SCRIPTS, outputUnigrams);
    }
}
