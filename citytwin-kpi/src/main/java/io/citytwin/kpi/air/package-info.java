/**
 * Air quality indices (REFERENCE.md section 1): the US EPA AQI with the May 2024 PM2.5 breakpoints and NowCast, and
 * the EEA European Air Quality Index (2024 revision). Pure calculators plus {@link io.citytwin.kpi.air.HourlySeries},
 * the hourly averages they read.
 */
@NullMarked
package io.citytwin.kpi.air;

import org.jspecify.annotations.NullMarked;
