package io.citytwin.dashboard;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's map layers and the entity types shown on each (local names of the types the simulator and the
 * FIWARE Smart Data Models use). Districts and road segments are the base map, not a layer.
 */
public enum MapLayer {
    LIGHTING(List.of("Streetlight", "StreetlightControlCabinet")),
    TRAFFIC(List.of("TrafficFlowObserved")),
    WATER(List.of("WaterQualityObserved", "DistrictMeteredArea", "WaterMeter")),
    AIR(List.of("AirQualityObserved")),
    ENERGY(List.of("EnergyMeter", "EVChargingStation")),
    PARKING(List.of("ParkingSpot")),
    VEHICLES(List.of("Vehicle"));

    private static final Map<String, MapLayer> BY_TYPE;

    static {
        java.util.HashMap<String, MapLayer> m = new java.util.HashMap<>();
        for (MapLayer l : values()) {
            for (String t : l.types) {
                m.put(t, l);
            }
        }
        BY_TYPE = Map.copyOf(m);
    }

    private final List<String> types;

    MapLayer(List<String> types) {
        this.types = types;
    }

    /** The local type names of this layer. */
    public List<String> types() {
        return types;
    }

    /** The name used in the API and the page, e.g. {@code lighting}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The layer of a type given by its local name, empty when the type is not on the map. */
    public static Optional<MapLayer> ofType(String localType) {
        return Optional.ofNullable(BY_TYPE.get(localType));
    }

    /** The layer named {@code id} ({@code lighting}, ...), empty when there is none. */
    public static Optional<MapLayer> ofId(String id) {
        for (MapLayer l : values()) {
            if (l.id().equals(id)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
