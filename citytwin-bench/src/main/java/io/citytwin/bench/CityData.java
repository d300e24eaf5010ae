package io.citytwin.bench;

import java.util.Locale;

/**
 * The synthetic city used by every benchmark: {@code n} streetlight-like entities spread uniformly (deterministic
 * pseudo-random) over a Berlin-sized box of about 27 km x 27 km (lon 13.2..13.6, lat 52.4..52.64, ~720 km²).
 *
 * <p>Entity {@code i} has id {@code urn:ngsi-ld:Streetlight:i}, type {@code Streetlight}, {@code status} one of
 * {@code ok}/{@code failed}/{@code maintenance} ({@code i % 3}, so a third match {@code status=="ok"}),
 * {@code brightness} = {@code i % 100} (so 49 % match {@code brightness>50}), a {@code
 * powerConsumption} with unitCode, a {@code location} Point and a {@code refStreetlightGroup} Relationship.
 * Stateless and thread-safe.
 */
public final class CityData {
    /** Western edge of the box, degrees. */
    public static final double LON_MIN = 13.2;
    /** Southern edge of the box, degrees. */
    public static final double LAT_MIN = 52.4;
    /** Box width, degrees of longitude. */
    public static final double LON_SPAN = 0.4;
    /** Box height, degrees of latitude. */
    public static final double LAT_SPAN = 0.24;
    /** The box area in km² (0.4° x cos(52.52°) x 111.32 km by 0.24° x 111.2 km). */
    public static final double AREA_KM2 = 0.4 * Math.cos(Math.toRadians(52.52)) * 111.32 * 0.24 * 111.2;

    private static final String[] STATUS = {"ok", "failed", "maintenance"};

    private CityData() {}

    /** The id of entity {@code i}. */
    public static String id(int i) {
        return "urn:ngsi-ld:Streetlight:" + i;
    }

    /** Longitude of entity {@code i}, degrees. */
    public static double lon(int i) {
        return LON_MIN + LON_SPAN * unit(i * 2L);
    }

    /** Latitude of entity {@code i}, degrees. */
    public static double lat(int i) {
        return LAT_MIN + LAT_SPAN * unit(i * 2L + 1);
    }

    /**
     * The radius in metres of a disc expected to hold {@code wanted} of {@code n} uniformly spread entities.
     *
     * @param n the number of entities in the box
     * @param wanted the expected number inside the disc
     */
    public static double radiusFor(int n, int wanted) {
        double density = n / AREA_KM2;
        return Math.sqrt(wanted / density / Math.PI) * 1000.0;
    }

    /** The normalized NGSI-LD JSON of entity {@code i} (core context, no {@code @context} member). */
    public static String entityJson(int i) {
        return String.format(
                Locale.ROOT,
                "{\"id\":\"%s\",\"type\":\"Streetlight\","
                        + "\"status\":{\"type\":\"Property\",\"value\":\"%s\",\"observedAt\":\"2026-11-21T18:00:00Z\"},"
                        + "\"brightness\":{\"type\":\"Property\",\"value\":%d},"
                        + "\"powerConsumption\":{\"type\":\"Property\",\"value\":%.1f,\"unitCode\":\"WTT\"},"
                        + "\"location\":{\"type\":\"GeoProperty\",\"value\":{\"type\":\"Point\","
                        + "\"coordinates\":[%.6f,%.6f]}},"
                        + "\"refStreetlightGroup\":{\"type\":\"Relationship\","
                        + "\"object\":\"urn:ngsi-ld:StreetlightGroup:g%d\"}}",
                id(i),
                STATUS[i % 3],
                i % 100,
                20.0 + (i % 50),
                lon(i),
                lat(i),
                i % 500);
    }

    /** A typical PATCH .../attrs body: one Property value (a new brightness reading {@code v}). */
    public static String updateJson(int v) {
        return "{\"brightness\":{\"type\":\"Property\",\"value\":" + v + "}}";
    }

    /** A deterministic value in [0, 1) for {@code k} (SplitMix64). */
    static double unit(long k) {
        long z = k * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
