package org.cplms.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Folds full-width ASCII to half-width and half-width katakana to full-width. */
@NamedComponent("cplms_cjk_width")
public class CjkWidthFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream in) {
        return new CJKWidthFilter(in);
    }

    @Override
    public TokenStream normalize(TokenStream in) {
        return new CJKWidthFilter(in);
    }
}
