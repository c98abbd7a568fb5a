/**
 * Metric signatures in sacreBLEU 2.x's format (`key:value` pairs joined by `|`, version last).
 *
 * The version field: da2en does not run sacreBLEU, it re-implements sacreBLEU 2.x's BLEU
 * (13a, exp smoothing) and chrF2. The scores were checked to agree with sacreBLEU 2.6.0 (the
 * algorithm of both metrics is unchanged across 2.x: OPUS-MT's 2.0.0 and Mozilla's 2.3.1
 * figures are reproduced too). Writing a bare `version:2.6.0` would claim sacreBLEU produced
 * the number, so the version carries a PEP 440 local label: `2.6.0+da2en` reads
 * "sacreBLEU 2.6.0-compatible, computed by da2en". Strip `+da2en` when comparing signatures.
 */
export const SACREBLEU_COMPAT_VERSION = '2.6.0';
export const SIGNATURE_VERSION = `${SACREBLEU_COMPAT_VERSION}+da2en`;

/** `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:…` (sacreBLEU's BLEU defaults). */
export const BLEU_SIGNATURE = `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:${SIGNATURE_VERSION}`;

/** `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:…` (sacreBLEU's chrF2 defaults). */
export const CHRF_SIGNATURE = `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:${SIGNATURE_VERSION}`;
