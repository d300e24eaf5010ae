/**
 * The city simulator: {@link io.citytwin.sim.CityGenerator} builds a synthetic {@link io.citytwin.sim.City} from a
 * seed and a {@link io.citytwin.sim.CitySpec} (districts, a road network with classes, lamps grouped under
 * cabinets, traffic detectors, district metered areas with inlet meters and quality stations, air-quality stations,
 * electricity meters, parking, EV chargers, waste containers and vehicles), every thing placed in local metres
 * around an origin and located in its district. Plain Java: it feeds the twin and the devices through adapters.
 */
@NullMarked
package io.citytwin.sim;

import org.jspecify.annotations.NullMarked;
