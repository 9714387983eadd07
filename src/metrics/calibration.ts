/**
 * Over-confidence and calibration figures of an input (issue 11): the distribution of the top
 * probability, the entropy and the top-2 margin; rows where one logit dominates; per dtype, the
 * rows beyond the saturation margin; with labels, accuracy, mean loss, Brier score, ECE and the
 * reliability diagram; and the temperature that minimises the exact mean loss. All taken at the
 * exact probabilities of x / T, in bounded memory, mergeable. Pure: no I/O. docs/metrics.md
 * section "Calibration" defines every figure.
 */
export { CalibrationAccumulator, DEFAULT_IGNORE_INDEX, confidenceBin, type CalibrationOptions } from './calibration/accumulator.js';
export { ECE_BINS, emptyCalibrationSummary, mergeCalibrationSummary, type CalibrationSummary, type LabelSummary } from './calibration/calibration-summary.js';
export { calibrationFigures, type CalibrationFigures, type DistributionFigures, type LabelFigures, type QuantileFigure, type ReliabilityBin, type TopQuantileFigure } from './calibration/figures.js';
export { DOMINANCE_THRESHOLD, MAD_SCALE } from './calibration/dominance.js';
export { BINS_PER_BINADE, type LogHistogram } from './calibration/log-histogram.js';
export { saturationMargin, saturationMarginValue } from './calibration/saturation.js';
export { fitTemperature, type LabelledRowSource, type TemperatureFit, type TemperatureFitOptions } from './calibration/fit-temperature.js';
