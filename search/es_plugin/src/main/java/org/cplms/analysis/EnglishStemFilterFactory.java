package org.cplms.analysis;

import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.KeywordAttribute;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * English possessive removal + Porter stemming (what the "english" analyzer does),
 * plus one fold: Porter leaves "-ify" verbs as "...ifi" but "-ification" nouns as "...if"
 * (certify -> certifi, certification -> certif), so a stem ending in "ifi" loses its
 * final "i" and the two meet. Expects lowercased input.
 */
@NamedComponent("cplms_english_stem")
public class EnglishStemFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream in) {
        return new IfiFoldFilter(new PorterStemFilter(new EnglishPossessiveFilter(in)));
    }

    /** certifi -> certif, classifi -> classif, verifi -> verif (after Porter). */
    static final class IfiFoldFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final KeywordAttribute keyword = addAttribute(KeywordAttribute.class);

        IfiFoldFilter(TokenStream in) {
            super(in);
        }

        @Override
        public boolean incrementToken() throws java.io.IOException {
            if (input.incrementToken() == false) {
                return false;
            }
            int n = term.length();
            if (n > 4 && keyword.isKeyword() == false) {
                char[] b = term.buffer();
                if (b[n - 3] == 'i' && b[n - 2] == 'f' && b[n - 1] == 'i') {
                    term.setLength(n - 1);
                }
            }
            return true;
        }
    }
}
