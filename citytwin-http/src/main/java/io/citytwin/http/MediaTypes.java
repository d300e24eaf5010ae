package io.citytwin.http;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.util.Locale;

/** The media types of the NGSI-LD API and Accept negotiation (clause 6.3.4). */
final class MediaTypes {
    static final String JSON = "application/json";
    static final String JSON_LD = "application/ld+json";
    static final String GEO_JSON = "application/geo+json";
    static final String MERGE_PATCH = "application/merge-patch+json";

    private MediaTypes() {}

    /**
     * Picks the response type for an Accept header among {@code offered} (in server preference order), per RFC 9110
     * clause 12.5.1: each offer gets the q-value of the most specific media range matching it; the highest q wins and
     * ties go to the server's order. A missing header accepts the first offer.
     *
     * @throws TwinException NotAcceptable (406) when nothing offered is acceptable
     */
    static String negotiate(String accept, String... offered) {
        if (accept == null || accept.isBlank()) {
            return offered[0];
        }
        double[] q = new double[offered.length];
        int[] specificity = new int[offered.length];
        java.util.Arrays.fill(specificity, -1);
        for (String part : accept.split(",")) {
            String[] params = part.split(";");
            String range = params[0].trim().toLowerCase(Locale.ROOT);
            double rangeQ = 1.0;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        rangeQ = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        rangeQ = 0;
                    }
                }
            }
            int spec = range.equals("*/*") ? 0 : range.endsWith("/*") ? 1 : 2;
            for (int i = 0; i < offered.length; i++) {
                if (matches(range, offered[i]) && spec > specificity[i]) {
                    specificity[i] = spec;
                    q[i] = rangeQ;
                }
            }
        }
        int best = -1;
        for (int i = 0; i < offered.length; i++) {
            if (q[i] > 0 && (best < 0 || q[i] > q[best])) {
                best = i;
            }
        }
        if (best < 0) {
            throw new TwinException(
                    ErrorType.NOT_ACCEPTABLE,
                    "http.not-acceptable",
                    "None of the accepted media types '" + accept + "' can be produced; offered: "
                            + String.join(", ", offered));
        }
        return offered[best];
    }

    private static boolean matches(String range, String type) {
        if (range.equals("*/*") || range.equals(type)) {
            return true;
        }
        return range.endsWith("/*") && type.startsWith(range.substring(0, range.length() - 1));
    }

    /** The bare media type of a Content-Type header, lower case, without parameters. */
    static String bare(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
