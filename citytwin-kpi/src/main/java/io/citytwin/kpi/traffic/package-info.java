/**
 * Traffic KPIs (REFERENCE.md section 3): speed ratio, HCM level of service from detector density, the travel time
 * index (length-weighted over segments) and California algorithm #8 incident detection on a detector and its
 * downstream neighbour. Pure calculators.
 */
@NullMarked
package io.citytwin.kpi.traffic;

import org.jspecify.annotations.NullMarked;
