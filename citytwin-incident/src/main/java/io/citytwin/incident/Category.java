package io.citytwin.incident;

import io.citytwin.twin.TwinException;

/** What an incident is about (contract A; the Open311 {@code service_code}). */
public enum Category {
    /** Street lights: lamps out, day burners, cabinets. */
    STREETLIGHT("streetlight"),
    /** Traffic: signals, congestion, accidents. */
    TRAFFIC("traffic"),
    /** Water: leaks, bursts, quality. */
    WATER("water"),
    /** Air quality, smells, smoke. */
    AIR("air"),
    /** Roads: potholes, damaged pavement. */
    ROAD("road"),
    /** Waste: bins, litter, dumping. */
    WASTE("waste"),
    /** Graffiti and vandalism. */
    GRAFFITI("graffiti"),
    /** Noise. */
    NOISE("noise"),
    /** Trees: fallen branches, trees. */
    TREE("tree"),
    /** Anything else, including praise. */
    OTHER("other");

    private final String label;

    Category(String label) {
        this.label = label;
    }

    /** The exact string of the API and the stores (contract A). */
    public String label() {
        return label;
    }

    /**
     * The constant named {@code label} (exact, lower case).
     *
     * @throws TwinException BadRequestData {@code incident.invalid} when there is none
     */
    public static Category of(String label) {
        for (Category v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw TwinException.badData(
                "incident.invalid",
                "Unknown category '" + label
                        + "'; expected one of: streetlight, traffic, water, air, road, waste, graffiti, noise, tree, other");
    }
}
