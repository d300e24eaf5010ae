package io.citytwin.incident;

/**
 * Port (contract C): the category of a citizen report or post from its text. The lead adapts TRI's Lucene
 * classifier to it; {@link KeywordClassifier} is the fallback.
 */
@FunctionalInterface
public interface ReportClassifier {
    /**
     * @param text the report's text
     * @param languageHint {@code en}, {@code de}, {@code zh}, or {@code ""} when unknown
     * @return the category (a contract A label), the confidence 0..1 and the detected language
     */
    Classification classify(String text, String languageHint);
}
