package io.citytwin.sim;

/**
 * The preset city sizes of {@code --size}. Entity counts are approximate (they follow from the road grid):
 *
 * <ul>
 *   <li>{@link #SMALL}: 4 districts on 1.6 km x 1.6 km, about 2,000 things (tests, a laptop demo);
 *   <li>{@link #MEDIUM}: 16 districts on 4 km x 4 km, about 20,000 things (the default demo);
 *   <li>{@link #LARGE}: 64 districts on 9.6 km x 9.6 km, more than 100,000 things (dashboard and load benchmarks).
 * </ul>
 */
public enum CitySize {
    SMALL,
    MEDIUM,
    LARGE
}
