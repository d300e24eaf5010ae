package io.citytwin.twin.geo;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import org.jspecify.annotations.Nullable;

/**
 * The geo-relationship of an NGSI-LD geo-query (ETSI GS CIM 009 v1.8 clause 4.10): {@link Near} with distance
 * modifiers, or one of the topological {@link Relation}s. Immutable and thread-safe.
 */
public sealed interface Georel permits Georel.Near, Georel.Relation {

    /** The query-string form, e.g. {@code near;maxDistance==2000} or {@code within}. */
    String print();

    /**
     * Parses the {@code georel} query parameter: {@code near;maxDistance==<metres>}, {@code near;minDistance==<m>}
     * (both modifiers together are accepted, an extension of the spec's grammar), {@code within}, {@code contains},
     * {@code intersects}, {@code overlaps}, {@code disjoint} or {@code equals}. Names are case-sensitive as in the
     * spec's ABNF.
     *
     * @throws TwinException BadRequestData {@code geo.query} on anything else
     */
    static Georel parse(String text) {
        int semi = text.indexOf(';');
        String op = semi < 0 ? text : text.substring(0, semi);
        if (!op.equals("near")) {
            Relation r = Relation.byName(op);
            if (r == null) {
                throw GeoQuery.error("unknown georel '" + op
                        + "' (expected near, within, contains, intersects, overlaps, disjoint or equals)");
            }
            if (semi >= 0) {
                throw GeoQuery.error("georel '" + op + "' takes no modifiers, got '" + text + "'");
            }
            return r;
        }
        double max = Double.POSITIVE_INFINITY;
        double min = 0;
        boolean seenMax = false;
        boolean seenMin = false;
        int start = semi;
        while (start >= 0) {
            int next = text.indexOf(';', start + 1);
            String modifier = next < 0 ? text.substring(start + 1) : text.substring(start + 1, next);
            int eq = modifier.indexOf("==");
            String name = eq < 0 ? modifier : modifier.substring(0, eq);
            if (eq < 0 || !(name.equals("maxDistance") || name.equals("minDistance"))) {
                throw GeoQuery.error(
                        "near takes maxDistance==<metres> and/or minDistance==<metres>, got '" + modifier + "'");
            }
            double value = distance(name, modifier.substring(eq + 2));
            if (name.equals("maxDistance")) {
                if (seenMax) {
                    throw GeoQuery.error("maxDistance given twice");
                }
                seenMax = true;
                max = value;
            } else {
                if (seenMin) {
                    throw GeoQuery.error("minDistance given twice");
                }
                seenMin = true;
                min = value;
            }
            start = next;
        }
        if (!seenMax && !seenMin) {
            throw GeoQuery.error("near needs maxDistance==<metres> or minDistance==<metres>");
        }
        return new Near(max, min);
    }

    private static double distance(String name, String text) {
        boolean ok = !text.isEmpty()
                && Character.isDigit(text.charAt(0))
                && Character.isDigit(text.charAt(text.length() - 1));
        for (int i = 0; ok && i < text.length(); i++) {
            char c = text.charAt(i);
            ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
        }
        if (ok) {
            try {
                double d = Double.parseDouble(text);
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                throw new TwinException(
                        ErrorType.BAD_REQUEST_DATA,
                        GeoQuery.CODE,
                        name + " must be a non-negative number of metres, got '" + text + "'",
                        e);
            }
        }
        throw GeoQuery.error(name + " must be a non-negative number of metres, got '" + text + "'");
    }

    /**
     * {@code near}: the target lies at least {@code minDistance} and at most {@code maxDistance} metres from the
     * reference geometry (see {@link Geodesy#distance}).
     *
     * @param maxDistance metres, {@code +Infinity} when not given
     * @param minDistance metres, {@code 0} when not given
     */
    record Near(double maxDistance, double minDistance) implements Georel {
        public Near {
            if (!(maxDistance >= 0)) {
                throw GeoQuery.error("maxDistance must be a non-negative number of metres, got " + maxDistance);
            }
            if (!(minDistance >= 0) || Double.isInfinite(minDistance)) {
                throw GeoQuery.error("minDistance must be a finite non-negative number of metres, got " + minDistance);
            }
            if (minDistance > maxDistance) {
                throw GeoQuery.error("minDistance " + GeoQuery.number(minDistance) + " exceeds maxDistance "
                        + GeoQuery.number(maxDistance) + ": nothing could match");
            }
        }

        /** {@code near;maxDistance==metres}. */
        public static Near max(double metres) {
            return new Near(metres, 0);
        }

        /** {@code near;minDistance==metres}. */
        public static Near min(double metres) {
            return new Near(Double.POSITIVE_INFINITY, metres);
        }

        /** Whether a maximum distance bounds the matches (so they fit in an envelope). */
        public boolean bounded() {
            return maxDistance != Double.POSITIVE_INFINITY;
        }

        @Override
        public String print() {
            StringBuilder sb = new StringBuilder("near");
            if (bounded()) {
                sb.append(";maxDistance==").append(GeoQuery.number(maxDistance));
            }
            if (minDistance > 0 || !bounded()) {
                sb.append(";minDistance==").append(GeoQuery.number(minDistance));
            }
            return sb.toString();
        }
    }

    /** The topological relations; the target geometry is the subject, e.g. WITHIN: target within reference. */
    enum Relation implements Georel {
        WITHIN("within"),
        CONTAINS("contains"),
        INTERSECTS("intersects"),
        OVERLAPS("overlaps"),
        DISJOINT("disjoint"),
        EQUALS("equals");

        private final String text;

        Relation(String text) {
            this.text = text;
        }

        @Override
        public String print() {
            return text;
        }

        static @Nullable Relation byName(String name) {
            for (Relation r : values()) {
                if (r.text.equals(name)) {
                    return r;
                }
            }
            return null;
        }
    }
}
