package io.citytwin.triage;

import io.citytwin.twin.TwinException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One labelled citizen report or post of the shipped data set.
 *
 * @param language en, de or zh
 * @param category the incident category (contract A: streetlight, traffic, water, air, road, waste, graffiti, noise,
 *     tree, other)
 * @param type the request type (enquiry, help-request, complaint, violation-report, suggestion, public-opinion)
 * @param department the department the default dispatch catalogue routes it to, whatever the district
 * @param text what the citizen wrote
 */
public record LabelledText(String language, String category, String type, String department, String text) {
    public LabelledText {
        Objects.requireNonNull(language);
        Objects.requireNonNull(category);
        Objects.requireNonNull(type);
        Objects.requireNonNull(department);
        Objects.requireNonNull(text);
    }

    /** The training set shipped with the module ({@code train.tsv}); used by {@link Triage#load()}. */
    public static List<LabelledText> training() {
        return read("train.tsv");
    }

    /** The held-out evaluation set ({@code eval.tsv}), never used for training. */
    public static List<LabelledText> evaluation() {
        return read("eval.tsv");
    }

    /**
     * The shipped keyword lexicon ({@code lexicon.tsv}): language → category → entries (words or short phrases).
     */
    public static Map<String, Map<String, List<String>>> lexicon() {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        try (InputStream in = LabelledText.class.getResourceAsStream("lexicon.tsv")) {
            if (in == null) {
                throw TwinException.invalid("triage.dataset", "No triage lexicon lexicon.tsv");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int n = 0;
            boolean header = true;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 3) {
                    throw TwinException.invalid(
                            "triage.dataset", "lexicon.tsv line " + n + ": expected 3 tab-separated fields");
                }
                List<String> entries = new ArrayList<>();
                for (String e : f[2].split(",")) {
                    if (!e.isBlank()) {
                        entries.add(e.strip());
                    }
                }
                out.computeIfAbsent(f[0], l -> new TreeMap<>()).put(f[1], List.copyOf(entries));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a data set from this package's resources: UTF-8, tab-separated {@code language, category, type,
     * department, text}, a header line, {@code #} comments.
     *
     * @throws TwinException {@code triage.dataset} when the resource is missing or a line is malformed
     */
    static List<LabelledText> read(String resource) {
        try (InputStream in = LabelledText.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw TwinException.invalid("triage.dataset", "No triage data set " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<LabelledText> out = new ArrayList<>();
            int n = 0;
            boolean header = true;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 5 || f[4].isBlank()) {
                    throw TwinException.invalid(
                            "triage.dataset", resource + " line " + n + ": expected 5 tab-separated fields");
                }
                out.add(new LabelledText(f[0], f[1], f[2], f[3], f[4]));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
