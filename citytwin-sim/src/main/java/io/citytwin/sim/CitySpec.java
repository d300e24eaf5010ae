package io.citytwin.sim;

import java.util.Objects;

/**
 * What city to generate: the seed and the shape. The same spec always gives the same city.
 *
 * @param seed the random seed of every placement
 * @param districtsPerSide districts form a square grid of this many per side, at least 1
 * @param blocksPerDistrict city blocks per district side, at least 2 (the district boundaries are arterials)
 * @param blockMeters the side of a block, at least 50 m
 * @param originLon longitude of the city's south-west corner, WGS 84
 * @param originLat latitude of the city's south-west corner, WGS 84
 * @param energyMetersPerDistrict electricity meters (households and buildings) per district
 * @param parkingPerDistrict on-street parking spots per district
 * @param chargersPerDistrict EV charging stations per district
 * @param wastePerDistrict waste containers per district
 * @param airStationsPerDistrict air-quality stations per district, at least 1
 * @param vehicles vehicles of the fleet moving along the roads
 */
public record CitySpec(
        long seed,
        int districtsPerSide,
        int blocksPerDistrict,
        double blockMeters,
        double originLon,
        double originLat,
        int energyMetersPerDistrict,
        int parkingPerDistrict,
        int chargersPerDistrict,
        int wastePerDistrict,
        int airStationsPerDistrict,
        int vehicles) {

    /** Metres per degree of latitude (mean, WGS 84); good to 0.5 % at any latitude for a city-sized area. */
    static final double METERS_PER_DEGREE = 111_320;

    public CitySpec {
        positive(districtsPerSide, "districtsPerSide", 1);
        positive(blocksPerDistrict, "blocksPerDistrict", 2);
        if (!(blockMeters >= 50)) {
            throw new IllegalArgumentException("blockMeters must be at least 50, got " + blockMeters);
        }
        if (!(Math.abs(originLat) <= 80) || !(Math.abs(originLon) <= 180)) {
            throw new IllegalArgumentException("The origin must be a longitude/latitude away from the poles");
        }
        positive(energyMetersPerDistrict, "energyMetersPerDistrict", 0);
        positive(parkingPerDistrict, "parkingPerDistrict", 0);
        positive(chargersPerDistrict, "chargersPerDistrict", 0);
        positive(wastePerDistrict, "wastePerDistrict", 0);
        positive(airStationsPerDistrict, "airStationsPerDistrict", 1);
        positive(vehicles, "vehicles", 0);
    }

    private static void positive(int v, String name, int min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + v);
        }
    }

    /** The preset of {@code size} with {@code seed}, around Neustadt's default origin (13.30 E, 52.45 N). */
    public static CitySpec of(CitySize size, long seed) {
        Objects.requireNonNull(size);
        return switch (size) {
            case SMALL -> new CitySpec(seed, 2, 4, 200, 13.30, 52.45, 100, 50, 5, 25, 1, 40);
            case MEDIUM -> new CitySpec(seed, 4, 5, 200, 13.30, 52.45, 500, 200, 10, 100, 1, 400);
            case LARGE -> new CitySpec(seed, 8, 6, 200, 13.30, 52.45, 1000, 200, 20, 100, 2, 3000);
        };
    }

    /** The side of the city in metres. */
    public double sideMeters() {
        return districtsPerSide * blocksPerDistrict * blockMeters;
    }

    /**
     * {@code p} as {longitude, latitude}: an equirectangular projection around the origin, exact to a few
     * centimetres over a city (the error grows with the square of the distance from the origin).
     */
    public double[] lonLat(Point p) {
        double lat = originLat + p.y() / METERS_PER_DEGREE;
        double lon = originLon + p.x() / (METERS_PER_DEGREE * Math.cos(Math.toRadians(originLat)));
        return new double[] {round(lon), round(lat)};
    }

    /** Seven decimals: about 1 cm, the precision of the positions the simulator makes. */
    private static double round(double deg) {
        return Math.round(deg * 1e7) / 1e7;
    }
}
