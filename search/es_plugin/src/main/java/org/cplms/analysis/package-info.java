/**
 * CPLMS analysis plugin: token filters for the search index, built on the Elasticsearch
 * stable plugin API and the Lucene analysis classes that ship in every Elasticsearch
 * distribution's lib/ (lucene-analysis-common). Needed because the integ-test-zip
 * distribution lacks the analysis-common module.
 */
package org.cplms.analysis;
