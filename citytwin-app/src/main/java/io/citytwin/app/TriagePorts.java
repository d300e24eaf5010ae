package io.citytwin.app;

import io.citytwin.incident.Candidate;
import io.citytwin.incident.Classification;
import io.citytwin.incident.DuplicateScorer;
import io.citytwin.incident.ReportClassifier;
import io.citytwin.triage.DuplicateModel;
import io.citytwin.triage.Prediction;
import io.citytwin.triage.Triage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident service's classification and duplicate ports (contract C) over citytwin-triage: the Lucene
 * classifier and the calibrated duplicate model (docs/triage.md). The model is trained from the shipped labelled set
 * on first use (about 2 s), not at node start, so a node that never receives a citizen report never pays for it.
 * Thread-safe.
 */
final class TriagePorts {
    private static final Logger LOG = LoggerFactory.getLogger(TriagePorts.class);

    private final Object lock = new Object();
    private volatile @Nullable Triage triage;
    private final Supplier<Triage> loader;

    TriagePorts() {
        this(Triage::load);
    }

    TriagePorts(Supplier<Triage> loader) {
        this.loader = loader;
    }

    /** The trained triage, loaded on first call. */
    Triage triage() {
        Triage t = triage;
        if (t == null) {
            synchronized (lock) {
                t = triage;
                if (t == null) {
                    t = loader.get();
                    LOG.info(
                            "Citizen report classifier trained in {} ms",
                            t.trainingTime().toMillis());
                    triage = t;
                }
            }
        }
        return t;
    }

    /** The classifier port. */
    ReportClassifier classifier() {
        return (text, languageHint) -> {
            Prediction p = triage().classifier().classify(text, languageHint);
            return new Classification(p.category(), p.confidence(), p.language());
        };
    }

    /** The duplicate port, with the model's calibrated thresholds. */
    DuplicateScorer duplicates() {
        return new DuplicateScorer() {
            @Override
            public double score(Candidate a, Candidate b) {
                return triage().duplicates().score(doc(a), doc(b));
            }

            @Override
            public double mergeThreshold() {
                return triage().duplicates().mergeThreshold();
            }

            @Override
            public double suggestThreshold() {
                return triage().duplicates().suggestThreshold();
            }
        };
    }

    private static DuplicateModel.Doc doc(Candidate c) {
        return new DuplicateModel.Doc(c.text(), c.language(), c.category(), c.lon(), c.lat(), c.at());
    }
}
