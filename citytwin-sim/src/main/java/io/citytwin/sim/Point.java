package io.citytwin.sim;

/**
 * A position in the simulated city, in metres east ({@code x}) and north ({@code y}) of the city's origin. The
 * simulator computes in metres; {@link CitySpec#lonLat} turns a point into WGS 84 for the twin.
 */
public record Point(double x, double y) {
    public Point {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("A point needs finite coordinates, got " + x + ", " + y);
        }
    }

    /** The point {@code f} of the way from this point to {@code to} (0 = here, 1 = there). */
    public Point towards(Point to, double f) {
        return new Point(x + (to.x - x) * f, y + (to.y - y) * f);
    }

    /** Euclidean distance in metres. */
    public double distance(Point o) {
        return Math.hypot(o.x - x, o.y - y);
    }
}
