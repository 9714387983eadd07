/**
 * The high-precision oracle: exact log-sum-exp, log-softmax and softmax of a row, to 2^-100
 * relative or better, by double-double arithmetic (and BigInt fixed point where double-double
 * is not enough). It shares no code with the algorithms under test (src/algorithms/) and does
 * no I/O.
 */
export { ReferenceRow, type RowKind } from './reference-row.js';
