/**
 * Names da2en gives to its own files in a model folder, shared by the model store (which writes
 * them) and the converter (which must recognise a folder holding only da2en's files as replaceable):
 * neither may import the other's folder in that direction (the model store runs the converter).
 */

/** The model store's record of a downloaded or converted model's files (sizes and sha256). */
export const MANIFEST_NAME = '.da2en-manifest.json';
