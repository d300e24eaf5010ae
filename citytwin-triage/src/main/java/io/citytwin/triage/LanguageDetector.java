package io.citytwin.triage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/*
 * LANGUAGE DETECTION (en / de / zh)
 *
 * Three languages only, so a full n-gram profile detector (Cavnar & Trenkle 1994, "N-Gram-Based Text
 * Categorization"; language-detection/Lingua) is more than needed. The rules:
 *  1. Script: count Han ideographs (Unicode script HAN) and Latin letters. Chinese when Han characters are at least
 *     a quarter of the letters (a Chinese post often carries Latin road names, hashtags or "PM2.5"; an English or
 *     German one practically never carries Han characters).
 *  2. German versus English among Latin text: each word that is a frequent function word of one language only
 *     (closed lists below, from the top of the usual frequency lists, without words both languages use: an, in,
 *     so, was, die, am, ...) counts 1 for it; umlauts and ß count 2 for German; the German spelling cues "sch",
 *     "ung" at word end and "straße/strasse" count 1.
 *  3. A tie (short texts: "Leuchte kaputt", "Ampel blinkt") is broken by a character-trigram naive Bayes model of
 *     the two languages (Cavnar & Trenkle's observation that a few hundred n-grams identify a language; Dunning
 *     1994, "Statistical Identification of Language"), trained once from the shipped English and German training
 *     texts; English wins what is still a tie, such as the empty text.
 * Cost: one pass over the characters and one over the words (plus one over the trigrams on a tie).
 */
/**
 * Detects whether a text is English ({@code en}), German ({@code de}) or Chinese ({@code zh}); thread-safe. The
 * first tie between English and German loads the trigram model from the shipped training texts (once per JVM).
 */
public final class LanguageDetector {
    /** The languages this module knows, as ISO 639-1 codes. */
    public static final Set<String> LANGUAGES = Set.of("en", "de", "zh");

    private static final Set<String> GERMAN = Set.of(
            "der", "das", "und", "ist", "nicht", "ein", "eine", "einen", "einem", "mit", "auf", "den", "dem", "im",
            "zu", "von", "bei", "seit", "schon", "wieder", "auch", "sich", "es", "wird", "vor", "nach", "über", "ich",
            "wir", "bitte", "kein", "keine", "sind", "hat", "haben", "noch", "nur", "ganz", "sehr", "man", "aus", "wie",
            "wer", "wo", "wann", "warum", "kann", "uns", "unser", "unsere", "mein", "meine", "heute", "jeden", "jede",
            "immer", "doch", "oder", "aber", "gibt", "zum", "zur", "vom", "beim", "ohne", "für", "durch", "geht",
            "alle", "mehr", "weg", "da", "hier", "dass", "ob");
    private static final Set<String> ENGLISH = Set.of(
            "the", "and", "is", "not", "a", "of", "to", "on", "at", "with", "for", "it", "this", "that", "has", "have",
            "been", "my", "our", "please", "there", "near", "since", "are", "from", "by", "you", "we", "they", "what",
            "why", "who", "where", "when", "how", "can", "could", "again", "all", "no", "any", "every", "outside", "up",
            "out", "off", "its", "it's", "just", "too", "very", "still", "into", "over", "after", "some", "one", "do",
            "does", "will", "would", "here", "now", "or", "but", "got", "get");

    /** A detector; it holds no state, so one instance can serve every thread. */
    public LanguageDetector() {}

    /**
     * The language of {@code text}: {@code zh}, {@code de} or {@code en} (also for empty text or text in another
     * language, which this detector cannot tell apart).
     */
    public String detect(String text) {
        int han = 0;
        int latin = 0;
        int german = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
                han++;
            } else if (Character.isLetter(cp)) {
                latin++;
                if (cp == 'ä' || cp == 'ö' || cp == 'ü' || cp == 'ß' || cp == 'Ä' || cp == 'Ö' || cp == 'Ü') {
                    german += 2;
                }
            }
        }
        if (han > 0 && han * 4 >= han + latin) {
            return "zh";
        }
        int english = 0;
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}']+")) {
            if (w.isEmpty()) {
                continue;
            }
            if (GERMAN.contains(w)) {
                german++;
            } else if (ENGLISH.contains(w)) {
                english++;
            }
            if (w.contains("sch") || w.endsWith("ung") || w.contains("straße") || w.contains("strasse")) {
                german++;
            }
        }
        if (german != english) {
            return german > english ? "de" : "en";
        }
        return Trigrams.MODEL.germanLogOdds(text) > 0 ? "de" : "en";
    }

    /** Character-trigram naive Bayes of German against English, built once from the shipped training texts. */
    static final class Trigrams {
        static final Trigrams MODEL = new Trigrams(LabelledText.training());

        private final Map<String, int[]> counts = new HashMap<>(); // trigram -> {english, german}
        private final double[] totals = new double[2];

        Trigrams(List<LabelledText> texts) {
            for (LabelledText t : texts) {
                int lang =
                        switch (t.language()) {
                            case "en" -> 0;
                            case "de" -> 1;
                            default -> -1;
                        };
                if (lang < 0) {
                    continue;
                }
                for (String g : trigrams(t.text())) {
                    counts.computeIfAbsent(g, k -> new int[2])[lang]++;
                    totals[lang]++;
                }
            }
        }

        /** log P(text | German) − log P(text | English), add-one smoothed; 0 without known trigrams. */
        double germanLogOdds(String text) {
            double v = counts.size() + 1.0;
            double odds = 0;
            for (String g : trigrams(text)) {
                int[] c = counts.get(g);
                if (c != null) {
                    odds += Math.log((c[1] + 1) / (totals[1] + v)) - Math.log((c[0] + 1) / (totals[0] + v));
                }
            }
            return odds;
        }

        private static List<String> trigrams(String text) {
            String s = " "
                    + text.toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}]+", " ")
                            .strip() + " ";
            List<String> out = new ArrayList<>(s.length());
            for (int i = 0; i + 3 <= s.length(); i++) {
                out.add(s.substring(i, i + 3));
            }
            return out;
        }
    }
}
