package io.citytwin.kpi.air;

import java.util.Locale;
import java.util.Optional;

/**
 * The pollutants of the indices, named by the Smart Data Models {@code AirQualityObserved} attribute terms. Each is
 * kept in one canonical unit: µg/m³, except CO in mg/m³.
 */
public enum Pollutant {
    PM25("pm25", 0),
    PM10("pm10", 0),
    O3("o3", 1.96),
    NO2("no2", 1.88),
    SO2("so2", 2.62),
    CO("co", 1.145);

    private final String term;
    private final double perPpb;

    Pollutant(String term, double perPpb) {
        this.term = term;
        this.perPpb = perPpb;
    }

    /** The attribute term, e.g. {@code pm25}. */
    public String term() {
        return term;
    }

    /**
     * The pollutant an attribute's local name denotes, case-insensitively: {@code pm25}, {@code pm2_5}, {@code
     * pm2.5}, {@code PM10}, {@code O3}, {@code NO2}, {@code SO2}, {@code CO}.
     */
    public static Optional<Pollutant> ofTerm(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "pm25", "pm2_5", "pm2.5" -> Optional.of(PM25);
            case "pm10" -> Optional.of(PM10);
            case "o3" -> Optional.of(O3);
            case "no2" -> Optional.of(NO2);
            case "so2" -> Optional.of(SO2);
            case "co" -> Optional.of(CO);
            default -> Optional.empty();
        };
    }

    /**
     * A reading in its canonical unit (µg/m³; CO mg/m³) from a value in the UN/CEFACT unit {@code unitCode}: {@code GQ}
     * µg/m³, {@code GP} mg/m³, {@code 61} ppb, {@code 59} ppm; none means the canonical unit.
     *
     * <p>Gas conversions at 25 °C (REFERENCE.md section 1): {@code µg/m³ = ppb × MW / 24.45}, i.e. NO2 1.88, O3 1.96,
     * SO2 2.62, CO 1.145 µg/m³ per ppb.
     *
     * @return the value, or empty when the unit is unknown or does not apply (ppb of a particle mass)
     */
    public Optional<Double> canonical(double value, String unitCode) {
        boolean mg = this == CO;
        double v;
        switch (unitCode) {
            case "" -> v = value;
            case "GQ" -> v = mg ? value / 1000 : value;
            case "GP" -> v = mg ? value : value * 1000;
            case "61" -> {
                if (perPpb == 0) {
                    return Optional.empty();
                }
                v = mg ? value * perPpb / 1000 : value * perPpb;
            }
            case "59" -> {
                if (perPpb == 0) {
                    return Optional.empty();
                }
                v = mg ? value * perPpb : value * perPpb * 1000;
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(v);
    }

    /** Parts per billion of a canonical concentration (gases only). */
    public double ppb(double canonical) {
        return this == CO ? canonical * 1000 / perPpb : canonical / perPpb;
    }

    /** Parts per million of a canonical concentration (gases only). */
    public double ppm(double canonical) {
        return ppb(canonical) / 1000;
    }
}
