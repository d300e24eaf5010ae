package io.citytwin.sim;

import java.time.Instant;

/*
 * SOLAR POSITION
 *
 * The NOAA solar calculator's low-accuracy formulas (after Spencer 1971 / NOAA Global Monitoring Laboratory,
 * "General Solar Position Calculations"): the fractional year gamma gives the equation of time and the solar
 * declination as short Fourier series; the true solar time gives the hour angle; and
 * cos(zenith) = sin(lat) sin(decl) + cos(lat) cos(decl) cos(hour angle). Accurate to about 0.1 degree, which
 * puts dusk and dawn within a minute: more than enough for lamps that switch on when the sun is below -0.833
 * degrees (the standard sunrise/sunset altitude including refraction and the solar radius).
 */
/** Where the sun is, for switching lamps and for daylight. */
public final class Sun {
    /** The sun's altitude at sunrise and sunset: refraction and the solar disc (degrees). */
    public static final double HORIZON = -0.833;

    private Sun() {}

    /** The sun's altitude above the horizon in degrees at {@code t} seen from {@code lat}/{@code lon}. */
    public static double altitude(Instant t, double lat, double lon) {
        // day of year and hour (UTC) from the epoch day
        java.time.ZonedDateTime z = t.atZone(java.time.ZoneOffset.UTC);
        int doy = z.getDayOfYear();
        double hour = z.getHour() + z.getMinute() / 60.0 + z.getSecond() / 3600.0;
        int daysInYear = z.toLocalDate().isLeapYear() ? 366 : 365;
        double gamma = 2 * Math.PI / daysInYear * (doy - 1 + (hour - 12) / 24);
        double eqTime = 229.18
                * (0.000075
                        + 0.001868 * Math.cos(gamma)
                        - 0.032077 * Math.sin(gamma)
                        - 0.014615 * Math.cos(2 * gamma)
                        - 0.040849 * Math.sin(2 * gamma));
        double decl = 0.006918
                - 0.399912 * Math.cos(gamma)
                + 0.070257 * Math.sin(gamma)
                - 0.006758 * Math.cos(2 * gamma)
                + 0.000907 * Math.sin(2 * gamma)
                - 0.002697 * Math.cos(3 * gamma)
                + 0.00148 * Math.sin(3 * gamma);
        double trueSolarMinutes = hour * 60 + eqTime + 4 * lon;
        double hourAngle = Math.toRadians(trueSolarMinutes / 4 - 180);
        double latR = Math.toRadians(lat);
        double cosZenith = Math.sin(latR) * Math.sin(decl) + Math.cos(latR) * Math.cos(decl) * Math.cos(hourAngle);
        return 90 - Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosZenith))));
    }

    /** Whether it is night (the sun below {@link #HORIZON}): street lamps are on. */
    public static boolean isNight(Instant t, double lat, double lon) {
        return altitude(t, lat, lon) < HORIZON;
    }

    /**
     * Horizontal illuminance in lux under a clear sky, roughly: 0 at night, rising through twilight to about
     * 100,000 lx at a high sun (a smooth stand-in for a daylight sensor).
     */
    public static double illuminance(Instant t, double lat, double lon) {
        double alt = altitude(t, lat, lon);
        if (alt < -6) {
            return 0;
        }
        if (alt < 0) {
            return 400 * (alt + 6) / 6; // civil twilight
        }
        return 400 + 120_000 * Math.sin(Math.toRadians(alt));
    }
}
