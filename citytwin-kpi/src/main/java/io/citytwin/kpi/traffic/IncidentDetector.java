package io.citytwin.kpi.traffic;

/*
 * CALIFORNIA ALGORITHM #8 (Payne & Tignor 1978, TRR 682; REFERENCE.md section 3, as in the verified
 * organic-traffic-control implementation), for a detector i and the next detector downstream i+1 at interval t,
 * occupancies in percent:
 *
 *   OCCDF  = OCC(i,t) - OCC(i+1,t)                                spatial difference
 *   OCCRDF = OCCDF / OCC(i,t)                                     relative spatial difference (0 when OCC(i,t) = 0)
 *   DOCCTD = (OCC(i+1,t-2) - OCC(i+1,t)) / OCC(i+1,t-2)           relative fall of downstream occupancy (0 likewise)
 *   DOCC   = OCC(i+1,t)
 *
 * States: FREE, COMPRESSION 1..5 (minutes since a compression wave passed downstream), TENTATIVE, CONFIRMED.
 *
 *   TENTATIVE or CONFIRMED:  OCCRDF >= T2 -> CONFIRMED (persistence: a tentative incident is confirmed only when the
 *                            spatial difference holds one more interval; a confirmed one continues while it holds);
 *                            otherwise a compression wave (DOCC >= T5 and DOCCTD < Tc) from TENTATIVE -> COMPRESSION 1,
 *                            else -> FREE
 *   FREE or COMPRESSION k:   a compression wave downstream (DOCC >= T5 and DOCCTD < Tc) -> COMPRESSION 1;
 *                            COMPRESSION k -> k + 1, after 5 -> FREE (alarms blocked for 5 intervals);
 *                            FREE: OCCDF >= T1 and OCCRDF >= T2 and DOCCTD >= T3 -> TENTATIVE, else FREE
 *
 * Default thresholds of that implementation: T1 = 8 occupancy points, T2 = 0.5, T3 = 0.3, Tc = -0.4, T5 = 30 %.
 * They must be calibrated per site. An incident is reported while CONFIRMED.
 */
/** California algorithm #8 on one detector pair: a state machine stepped once per interval. Not thread-safe. */
public final class IncidentDetector {
    /**
     * The thresholds.
     *
     * @param occdf T1, occupancy points
     * @param occrdf T2
     * @param docctd T3
     * @param compression Tc, the DOCCTD below which downstream occupancy rises as a compression wave
     * @param docc T5, downstream occupancy in percent
     * @param suppression intervals a compression wave blocks detection
     */
    public record Thresholds(
            double occdf, double occrdf, double docctd, double compression, double docc, int suppression) {
        /** The defaults of the reference implementation. */
        public static final Thresholds DEFAULTS = new Thresholds(8, 0.5, 0.3, -0.4, 30, 5);
    }

    /** The algorithm's states. */
    public enum State {
        FREE,
        COMPRESSION,
        TENTATIVE,
        CONFIRMED
    }

    private final Thresholds t;
    private State state = State.FREE;
    private int compression;

    public IncidentDetector(Thresholds thresholds) {
        this.t = thresholds;
    }

    public State state() {
        return state;
    }

    /** Whether an incident is confirmed. */
    public boolean incident() {
        return state == State.CONFIRMED;
    }

    /**
     * One interval, occupancies in percent.
     *
     * @param occUp OCC(i, t)
     * @param occDown OCC(i+1, t)
     * @param occDownBefore OCC(i+1, t-2)
     * @return whether an incident is confirmed after this step
     */
    public boolean step(double occUp, double occDown, double occDownBefore) {
        double occdf = occUp - occDown;
        double occrdf = occUp > 0 ? occdf / occUp : 0;
        double docctd = occDownBefore > 0 ? (occDownBefore - occDown) / occDownBefore : 0;
        boolean wave = occDown >= t.docc() && docctd < t.compression();
        switch (state) {
            case TENTATIVE, CONFIRMED -> {
                if (occrdf >= t.occrdf()) {
                    state = State.CONFIRMED;
                } else if (wave && state == State.TENTATIVE) {
                    startCompression();
                } else {
                    state = State.FREE;
                }
            }
            case COMPRESSION -> {
                if (wave) {
                    startCompression();
                } else if (++compression > t.suppression()) {
                    state = State.FREE;
                    compression = 0;
                }
            }
            case FREE -> {
                if (wave) {
                    startCompression();
                } else if (occdf >= t.occdf() && occrdf >= t.occrdf() && docctd >= t.docctd()) {
                    state = State.TENTATIVE;
                }
            }
        }
        return incident();
    }

    private void startCompression() {
        state = State.COMPRESSION;
        compression = 1;
    }
}
