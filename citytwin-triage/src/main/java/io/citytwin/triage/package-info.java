/**
 * Triage of citizen reports and public posts (issue 8): which language a text is in ({@link
 * io.citytwin.triage.LanguageDetector}), which incident category it belongs to ({@link
 * io.citytwin.triage.TextClassifier}: Lucene analysers per language and multinomial logistic regression trained at
 * startup from the labelled set shipped in this package), and whether two reports are about the same thing ({@link
 * io.citytwin.triage.DuplicateModel}, thresholds calibrated on the simulator's reports). {@link
 * io.citytwin.triage.Triage#load()} builds all three; {@link io.citytwin.triage.TriageEvaluation} measures them.
 * Pure domain: the JDK, Lucene's analysers and citytwin-core only.
 */
@NullMarked
package io.citytwin.triage;

import org.jspecify.annotations.NullMarked;
