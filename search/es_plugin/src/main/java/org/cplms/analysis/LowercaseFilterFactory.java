package org.cplms.analysis;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Lucene LowerCaseFilter (the core "lowercase" filter lives in analysis-common). */
@NamedComponent("cplms_lowercase")
public class LowercaseFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream in) {
        return new LowerCaseFilter(in);
    }

    @Override
    public TokenStream normalize(TokenStream in) {
        return new LowerCaseFilter(in);
    }
}
