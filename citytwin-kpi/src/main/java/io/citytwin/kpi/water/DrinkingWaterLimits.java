package io.citytwin.kpi.water;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/*
 * DRINKING-WATER LIMITS (REFERENCE.md section 2, table "Drinking-water limits"), per parameter term as the Smart Data
 * Models WaterQualityObserved and the simulator name them:
 *
 *   parameter      WHO GDWQ 4th ed. (2022)                    GB 5749-2022 (network tap)
 *   eColi          not detectable in 100 mL                   not detected
 *   turbidity      <= 1 NTU (effective disinfection)          <= 1 NTU
 *   pH             6.5-8.5 (operational)                      6.5-8.5
 *   freeChlorine   <= 5 mg/L (guideline value)                >= 0.05 mg/L at the tap
 *   NO3 (nitrate)  <= 50 mg/L as NO3-                         <= 10 mg/L as N (= 44.3 mg/L as NO3-)
 *
 * Nitrate readings are taken as mg/L NO3- (the SDM unit); GB's limit "as N" is converted with the mass ratio
 * 62.004 / 14.007 = 4.427. The GB plant-outlet limits (free chlorine 0.3-2 mg/L) do not apply to network stations.
 */
/** A set of drinking-water limits; {@link #GB_5749_2022} and {@link #WHO_GDWQ} are the reference's two. */
public record DrinkingWaterLimits(String name, Map<String, Objective> objectives) {
    public DrinkingWaterLimits {
        objectives = Collections.unmodifiableMap(new LinkedHashMap<>(objectives));
    }

    /** China GB 5749-2022, network tap water. */
    public static final DrinkingWaterLimits GB_5749_2022 = of(
            "GB 5749-2022",
            Objective.notDetected("eColi", "GB 5749-2022"),
            Objective.atMost("turbidity", 1, "GB 5749-2022"),
            Objective.between("pH", 6.5, 8.5, "GB 5749-2022"),
            Objective.atLeast("freeChlorine", 0.05, "GB 5749-2022"),
            Objective.atMost("NO3", 10 * 4.427, "GB 5749-2022"));

    /** WHO Guidelines for Drinking-water Quality, 4th edition incl. addenda (2022). */
    public static final DrinkingWaterLimits WHO_GDWQ = of(
            "WHO GDWQ",
            Objective.notDetected("eColi", "WHO GDWQ"),
            Objective.atMost("turbidity", 1, "WHO GDWQ"),
            Objective.between("pH", 6.5, 8.5, "WHO GDWQ"),
            Objective.atMost("freeChlorine", 5, "WHO GDWQ"),
            Objective.atMost("NO3", 50, "WHO GDWQ"));

    private static DrinkingWaterLimits of(String name, Objective... objectives) {
        Map<String, Objective> m = new LinkedHashMap<>();
        for (Objective o : objectives) {
            m.put(o.variable(), o);
        }
        return new DrinkingWaterLimits(name, m);
    }

    /** The objective of a parameter term (case-insensitive match on the known terms; {@code nitrate} is NO3). */
    public java.util.Optional<Objective> objective(String term) {
        String t = term.equalsIgnoreCase("nitrate") ? "NO3" : term;
        for (Map.Entry<String, Objective> e : objectives.entrySet()) {
            if (e.getKey().equalsIgnoreCase(t)) {
                return java.util.Optional.of(e.getValue());
            }
        }
        return java.util.Optional.empty();
    }

    /** The parameters of {@code latest} (term to value) beyond their limit, sorted; empty when none. */
    public List<String> exceeded(Map<String, Double> latest) {
        TreeSet<String> out = new TreeSet<>();
        for (Map.Entry<String, Double> e : latest.entrySet()) {
            objective(e.getKey()).ifPresent(o -> {
                if (o.fails(e.getValue())) {
                    out.add(e.getKey());
                }
            });
        }
        return new ArrayList<>(out);
    }
}
