package io.citytwin.incident;

/**
 * Port (contract C): how likely two reports are about the same thing, 0..1, with the calibrated thresholds. The lead
 * adapts TRI's duplicate model to it; {@link SimpleDuplicateScorer} is the fallback.
 */
public interface DuplicateScorer {
    /** The duplicate score of {@code a} and {@code b}, 0..1 (symmetric). */
    double score(Candidate a, Candidate b);

    /** At or above: the new report is merged into the incident as a child report. */
    double mergeThreshold();

    /** At or above (and below merge): the incident is suggested to the operator as a possible duplicate. */
    double suggestThreshold();
}
