package io.citytwin.rule;

import java.time.Instant;

/*
 * Solar elevation after the NOAA Solar Calculator (Meeus, "Astronomical Algorithms", 2nd ed., chapter 25, in the
 * simplified form of NOAA's spreadsheet): fractional year -> equation of time and declination -> true solar time ->
 * hour angle -> zenith. Accurate to about a tenth of a degree, ample for "is it daylight at this lamp".
 */
/** The sun's elevation above the horizon at a place and time. Stateless. */
final class Sun {
    private Sun() {}

    /** Degrees above the horizon (negative below) at {@code t} for latitude / longitude in degrees. */
    static double elevation(Instant t, double lat, double lon) {
        double jd = t.getEpochSecond() / 86400.0 + 2440587.5;
        double jc = (jd - 2451545.0) / 36525.0;
        double l0 = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360;
        double m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
        double e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
        double mr = Math.toRadians(m);
        double c = Math.sin(mr) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
                + Math.sin(2 * mr) * (0.019993 - 0.000101 * jc)
                + Math.sin(3 * mr) * 0.000289;
        double trueLong = l0 + c;
        double omega = 125.04 - 1934.136 * jc;
        double appLong = trueLong - 0.00569 - 0.00478 * Math.sin(Math.toRadians(omega));
        double obliq = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
        double obliqCorr = obliq + 0.00256 * Math.cos(Math.toRadians(omega));
        double decl =
                Math.toDegrees(Math.asin(Math.sin(Math.toRadians(obliqCorr)) * Math.sin(Math.toRadians(appLong))));
        double y = Math.tan(Math.toRadians(obliqCorr / 2));
        y *= y;
        double l0r = Math.toRadians(l0);
        double eqTime = 4
                * Math.toDegrees(y * Math.sin(2 * l0r)
                        - 2 * e * Math.sin(mr)
                        + 4 * e * y * Math.sin(mr) * Math.cos(2 * l0r)
                        - 0.5 * y * y * Math.sin(4 * l0r)
                        - 1.25 * e * e * Math.sin(2 * mr));
        double minutesUtc = (t.getEpochSecond() % 86400 + 86400) % 86400 / 60.0;
        double trueSolar = ((minutesUtc + eqTime + 4 * lon) % 1440 + 1440) % 1440;
        double hourAngle = trueSolar / 4 < 0 ? trueSolar / 4 + 180 : trueSolar / 4 - 180;
        double latR = Math.toRadians(lat);
        double declR = Math.toRadians(decl);
        double cosZenith = Math.sin(latR) * Math.sin(declR)
                + Math.cos(latR) * Math.cos(declR) * Math.cos(Math.toRadians(hourAngle));
        double zenith = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosZenith))));
        return 90 - zenith;
    }
}
